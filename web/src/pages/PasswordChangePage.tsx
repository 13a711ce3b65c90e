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
        Your password was chosen by someone else, {me.displayName}. Before you go on, choose one
        that only you know.
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
