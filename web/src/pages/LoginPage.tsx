import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../api.ts';
import { logIn, showLoggedIn } from '../auth.tsx';
import { SingleSignOn } from '../account/SingleSignOn.tsx';

/** The login form: the password first; single sign-on, when set up, below it. */
export function LoginPage() {
  const client = useQueryClient();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      showLoggedIn(client, await logIn(login, password));
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'The server cannot be reached');
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" className="login">
      <h1>Task Planner</h1>
      <form
        onSubmit={(event) => void submit(event)}
        aria-describedby={error ? 'login-error' : undefined}
      >
        <label>
          Login
          <input
            name="login"
            autoComplete="username"
            autoFocus
            required
            value={login}
            onChange={(event) => setLogin(event.target.value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        {error && (
          <p id="login-error" role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          Log in
        </button>
      </form>
      <SingleSignOn />
    </main>
  );
}
