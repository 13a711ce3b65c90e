import { validationError } from '../domain/errors.ts';
import { MIN_PASSWORD_LENGTH } from './password.ts';

/** Logins shorter than this are not searched for inside passwords: "al" would forbid half of them. */
const MIN_LOGIN_TO_MATCH = 3;
/** A password that repeats a unit of up to this many characters ("abababab") is trivial. */
const MAX_REPEATED_UNIT = 3;

/** The sentences a person reads when their password is refused, one per rule. */
export const PASSWORD_PROBLEMS = {
  tooShort: `The password must have at least ${MIN_PASSWORD_LENGTH} characters`,
  containsLogin: 'The password must not contain the login',
  common: 'This password is too common; choose another',
  trivial: 'The password must not repeat a few characters or be a simple sequence like 12345678',
} as const;

let commonPasswords: Promise<ReadonlySet<string>> | undefined;

/**
 * The common-passwords list of zxcvbn-ts (lowercase, most used first). It is loaded on first
 * use: decompressing it takes tens of milliseconds that a process which sets no password
 * should not pay. Entries shorter than the minimum length are dropped, as they never match.
 */
function loadCommonPasswords(): Promise<ReadonlySet<string>> {
  commonPasswords ??= import('@zxcvbn-ts/language-common').then(({ dictionary }) => {
    const usable = dictionary['passwords-common'].filter((p) => p.length >= MIN_PASSWORD_LENGTH);
    return new Set(usable);
  });
  return commonPasswords;
}

/** True when the text repeats one unit of 1 to 3 characters: "aaaaaaaa", "abababab", "123123123". */
function isRepetition(chars: readonly string[]): boolean {
  for (let unit = 1; unit <= MAX_REPEATED_UNIT; unit += 1) {
    if (chars.every((char, i) => i < unit || char === chars[i - unit])) return true;
  }
  return false;
}

/** True when every character follows the one before up or down by one: "abcdefgh", "87654321". */
function isSequence(chars: readonly string[]): boolean {
  const codes = chars.map((char) => char.codePointAt(0) ?? 0);
  const step = (codes[1] ?? 0) - (codes[0] ?? 0);
  if (step !== 1 && step !== -1) return false;
  return codes.every((code, i) => i === 0 || code - (codes[i - 1] ?? 0) === step);
}

/**
 * Why this login may not use this password, or null when it may. The rules: a minimum
 * length, not containing the login, not on the list of common passwords, and not a trivial
 * repetition or sequence. All comparisons ignore case, as people vary only the case.
 */
export async function passwordProblem(password: string, login: string): Promise<string | null> {
  // Code points, not UTF-16 units: the minimum length counts what a person typed.
  const chars = [...password.normalize('NFC').toLowerCase()];
  if (chars.length < MIN_PASSWORD_LENGTH) return PASSWORD_PROBLEMS.tooShort;
  const folded = chars.join('');
  if (login.length >= MIN_LOGIN_TO_MATCH && folded.includes(login.toLowerCase())) {
    return PASSWORD_PROBLEMS.containsLogin;
  }
  if (isRepetition(chars) || isSequence(chars)) return PASSWORD_PROBLEMS.trivial;
  if ((await loadCommonPasswords()).has(folded)) return PASSWORD_PROBLEMS.common;
  return null;
}

/**
 * Refuses a password the policy does not allow with 400 VALIDATION_FAILED, naming the
 * field (path) it came in, e.g. '/password' or '/newPassword'.
 */
export async function requireAcceptablePassword(
  password: string,
  login: string,
  path: string,
): Promise<void> {
  const problem = await passwordProblem(password, login);
  if (problem !== null) throw validationError([{ path, message: problem }]);
}
