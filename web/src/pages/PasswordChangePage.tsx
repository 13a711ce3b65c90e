import { PasswordChangeForm } from '../account/PasswordChangeForm.tsx';
import { useLogOut } from '../auth.tsx';
import type { Me } from '../types.ts';
import '../account/account.css';

/**
 * All a user whose password someone else chose sees: the form to choose their own. The server
 * refuses everything else until then; once it is changed, the app goes on to the page asked for.
 */
export function PasswordChangePage({ me }: { me: Me }) {
  const logOut = useLogOut();
  return (
    <main id="main" className="login forced-password">
      <h1>Choose your own password</h1>
      <p>
        Hello {me.displayName}. Your current password was set for you (by an administrator, or
        generated when the server was set up); choose your own before going on.
      </p>
      <PasswordChangeForm login={me.login} submitLabel="Save my password" autoFocus />
      <p>
        <button type="button" onClick={() => void logOut()}>
          Log out
        </button>
      </p>
    </main>
  );
}
