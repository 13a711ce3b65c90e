import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api.ts';
import { showLoggedIn } from '../auth.tsx';
import { TextField } from '../components/TextField.tsx';
import { fieldError, formError } from '../admin/form-errors.ts';
import { changeOwnPassword } from './change-password.ts';

/** What the server answers a current password that is not the user's. */
const WRONG_PASSWORD = 'INVALID_CREDENTIALS';

function currentPasswordError(error: unknown): string | undefined {
  return error instanceof ApiError && error.code === WRONG_PASSWORD
    ? 'This is not your current password.'
    : undefined;
}

/** The message for the whole form, when no field shows it. */
function problemOf(error: unknown): string | null {
  return currentPasswordError(error)
    ? 'Please correct the marked fields.'
    : formError(error, ['/newPassword']);
}

/**
 * Changes the user's own password: the current one, the new one twice. The change ends the
 * user's sessions, so the form logs in again with the new password and the app goes on.
 */
export function PasswordChangeForm({
  login,
  submitLabel = 'Change password',
  autoFocus = false,
  onChanged,
}: {
  login: string;
  submitLabel?: string;
  autoFocus?: boolean;
  onChanged?: () => void;
}) {
  const client = useQueryClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  // After the server refused a field, that field takes the focus, once it shows why.
  const focusInvalid = () =>
    requestAnimationFrame(() =>
      form.current?.querySelector<HTMLInputElement>('[aria-invalid="true"]')?.focus(),
    );
  const change = useMutation({
    mutationFn: () => changeOwnPassword(login, current, next),
    onSuccess: (me) => {
      setCurrent('');
      setNext('');
      setRepeat('');
      showLoggedIn(client, me);
      onChanged?.();
    },
    onError: (error) => {
      // The session ended some other way: the login form is the way on.
      if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') showLoggedIn(client, null);
      else focusInvalid();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMismatch(next !== repeat);
    if (next === repeat) change.mutate();
    else {
      change.reset();
      focusInvalid();
    }
  };
  const problem = problemOf(change.error);
  return (
    <form ref={form} onSubmit={submit} aria-label="Change your password" className="password-form">
      <TextField
        label="Current password"
        type="password"
        autoComplete="current-password"
        autoFocus={autoFocus}
        required
        value={current}
        onChange={setCurrent}
        error={currentPasswordError(change.error)}
      />
      <TextField
        label="New password"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        value={next}
        onChange={setNext}
        help="At least 8 characters, not containing your login, not a common password"
        error={fieldError(change.error, '/newPassword')}
      />
      <TextField
        label="Repeat the new password"
        type="password"
        autoComplete="new-password"
        required
        value={repeat}
        onChange={(value) => {
          setRepeat(value);
          setMismatch(false);
        }}
        error={mismatch ? 'The two new passwords differ.' : undefined}
      />
      {problem && <p role="alert">{problem}</p>}
      <p role="status">{change.isSuccess ? 'Your password is changed.' : ''}</p>
      <button type="submit" className="primary" disabled={change.isPending}>
        {submitLabel}
      </button>
    </form>
  );
}
