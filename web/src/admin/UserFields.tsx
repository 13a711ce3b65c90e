import { fieldError } from './form-errors.ts';
import { TextField } from '../components/TextField.tsx';

/** What the user forms edit besides permissions. */
export interface UserDraft {
  login: string;
  displayName: string;
  email: string;
  password: string;
}

/** Login, name, e-mail and password fields, with the API's errors next to each. */
export function UserFields({
  draft,
  onChange,
  error,
  passwordRequired,
}: {
  draft: UserDraft;
  onChange: (next: UserDraft) => void;
  error: unknown;
  passwordRequired: boolean;
}) {
  const set = (field: keyof UserDraft) => (value: string) => onChange({ ...draft, [field]: value });
  return (
    <div className="form-grid">
      <TextField
        label="Login"
        required
        autoComplete="off"
        maxLength={64}
        value={draft.login}
        onChange={set('login')}
        error={fieldError(error, '/login')}
      />
      <TextField
        label="Display name"
        maxLength={200}
        value={draft.displayName}
        onChange={set('displayName')}
        error={fieldError(error, '/displayName')}
      />
      <TextField
        label="E-mail"
        type="email"
        maxLength={320}
        value={draft.email}
        onChange={set('email')}
        error={fieldError(error, '/email')}
      />
      <TextField
        label={passwordRequired ? 'Password' : 'New password'}
        type="password"
        autoComplete="new-password"
        required={passwordRequired}
        minLength={8}
        value={draft.password}
        onChange={set('password')}
        help={
          passwordRequired
            ? 'At least 8 characters, not containing the login, not a common password; or generate one'
            : 'Leave empty to keep the current one'
        }
        error={fieldError(error, '/password')}
      />
    </div>
  );
}

export const USER_FIELD_PATHS = ['/login', '/displayName', '/email', '/password', '/permissions'];
