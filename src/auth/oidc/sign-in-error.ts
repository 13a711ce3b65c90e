/**
 * A sign-in with the provider that did not work, with a sentence for the user (shown on the
 * login page) and the underlying cause for the server's log.
 */
export class SignInError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'SignInError';
  }
}
