import { AccountPermissions } from '../account/AccountPermissions.tsx';
import { PasswordChangeForm } from '../account/PasswordChangeForm.tsx';
import { useAccount } from '../auth.tsx';
import type { Account } from '../account/account-types.ts';
import '../admin/admin.css';
import '../account/account.css';

function AccountFacts({ account }: { account: Account }) {
  return (
    <section aria-labelledby="account-facts-heading" className="card">
      <h2 id="account-facts-heading">Who you are</h2>
      <dl className="account-facts">
        <dt>Login</dt>
        <dd>{account.login}</dd>
        <dt>Name</dt>
        <dd>{account.displayName}</dd>
        <dt>E-mail</dt>
        <dd>{account.email ?? <span className="muted">none</span>}</dd>
      </dl>
      <p className="muted">
        {account.source === 'local'
          ? 'A user manager changes these for you.'
          : `They come from ${account.source === 'ldap' ? 'the LDAP directory' : 'the single sign-on provider'}, at every sign-in.`}
      </p>
    </section>
  );
}

/** The user's own account: who they are, their password, and what they may do. */
export function AccountPage() {
  const account = useAccount();
  return (
    <section className="account-page">
      <h1>Your account</h1>
      {account.isPending && <p className="loading">Loading your account…</p>}
      {account.isError && <p role="alert">{account.error.message}</p>}
      {account.data && (
        <>
          <AccountFacts account={account.data} />
          <section aria-labelledby="account-password-heading" className="card">
            <h2 id="account-password-heading">Your password</h2>
            {account.data.source === 'ldap' && (
              <p>Your password is kept in the LDAP directory: change it there.</p>
            )}
            {account.data.source === 'oidc' && (
              <p>You sign in with the single sign-on provider: you have no password here.</p>
            )}
            {account.data.source === 'local' && (
              <>
                <p className="muted">
                  Changing it logs you out in every other browser, and revokes nothing else: your
                  API tokens keep working.
                </p>
                <PasswordChangeForm login={account.data.login} />
              </>
            )}
          </section>
          <AccountPermissions account={account.data} />
        </>
      )}
    </section>
  );
}
