import type { SecretBox } from '../../secrets/secret-box.ts';

/** How long a sign-in at the provider may take. */
export const SIGN_IN_MS = 10 * 60_000;

/** What the browser carries from the start of a sign-in to its return, sealed. */
export interface SignInState {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** The UI path to go back to. */
  returnTo: string;
  /** The issuer the sign-in began at: its answer counts only if it is still the one set up. */
  issuer: string;
  expiresAt: number;
}

/** The state as the cookie holds it: sealed, so the browser can neither read nor forge it. */
export function sealState(box: SecretBox, state: SignInState): string {
  return box.seal(JSON.stringify(state));
}

/** The state a cookie holds, or null when it is missing, forged, tampered with or expired. */
export function openState(
  box: SecretBox,
  sealed: string | undefined,
  now: number,
): SignInState | null {
  if (!sealed) return null;
  try {
    const state = JSON.parse(box.open(sealed)) as SignInState;
    return typeof state.expiresAt === 'number' && state.expiresAt > now ? state : null;
  } catch {
    return null;
  }
}

// Printable ASCII only: a Location header carries nothing else (the UI sends paths encoded).
const SAFE_PATH = /^\/(?![/\\])[\x21-\x7e]*$/;

/** A path of this server to return to: absolute, never another origin (//evil, /\evil). */
export function safeReturnPath(path: string | undefined): string {
  return path !== undefined && path.length <= 2000 && SAFE_PATH.test(path) ? path : '/';
}
