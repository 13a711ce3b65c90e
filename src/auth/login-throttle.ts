import { AppError } from '../domain/errors.ts';

interface Failures {
  count: number;
  lastAt: number;
}

/** How many failures a key may have before it is locked, and for how long it can be locked. */
export interface ThrottleLimits {
  freeFailures: number;
  forgetAfterMs: number;
  maxLockMs: number;
  maxKeys: number;
}

const DEFAULT_LIMITS: ThrottleLimits = {
  freeFailures: 5,
  forgetAfterMs: 15 * 60_000,
  maxLockMs: 15 * 60_000,
  maxKeys: 10_000,
};

/**
 * Slows down password guessing: after a few failures for a login (or from an
 * address), further attempts are refused for a time that doubles with each failure.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, Failures>();
  readonly #limits: ThrottleLimits;

  constructor(
    private readonly now: () => number,
    limits: Partial<ThrottleLimits> = {},
  ) {
    this.#limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /**
   * Admits one attempt: throws TOO_MANY_ATTEMPTS while a key is locked, else counts the
   * attempt as a failure right away, before the slow password check, so guesses sent in
   * parallel cannot all slip through. Call succeeded() when it turns out right.
   */
  admit(keys: readonly string[]): void {
    this.check(keys);
    this.recordFailure(keys);
  }

  /** Takes back the failure admit() counted, for an attempt that succeeded. */
  succeeded(keys: readonly string[]): void {
    for (const key of keys) {
      const failures = this.#current(key);
      if (!failures || failures.count <= 1) this.#failures.delete(key);
      else failures.count -= 1;
    }
  }

  /** Throws TOO_MANY_ATTEMPTS while any of the keys is locked. */
  check(keys: readonly string[]): void {
    const waitMs = Math.max(0, ...keys.map((key) => this.#lockedForMs(key)));
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      throw new AppError('TOO_MANY_ATTEMPTS', `Too many failed logins; try again in ${seconds} s`, {
        headers: { 'retry-after': String(seconds) },
      });
    }
  }

  recordFailure(keys: readonly string[]): void {
    for (const key of keys) {
      const previous = this.#current(key);
      this.#failures.delete(key);
      this.#failures.set(key, { count: (previous?.count ?? 0) + 1, lastAt: this.now() });
    }
    while (this.#failures.size > this.#limits.maxKeys) {
      const oldest = this.#failures.keys().next();
      if (oldest.done) break;
      this.#failures.delete(oldest.value);
    }
  }

  recordSuccess(keys: readonly string[]): void {
    for (const key of keys) this.#failures.delete(key);
  }

  #current(key: string): Failures | undefined {
    const failures = this.#failures.get(key);
    if (failures && this.now() - failures.lastAt > this.#limits.forgetAfterMs) {
      this.#failures.delete(key);
      return undefined;
    }
    return failures;
  }

  #lockedForMs(key: string): number {
    const failures = this.#current(key);
    if (!failures || failures.count < this.#limits.freeFailures) return 0;
    const exponent = Math.min(failures.count - this.#limits.freeFailures, 30);
    const lockMs = Math.min(1000 * 2 ** exponent, this.#limits.maxLockMs);
    return failures.lastAt + lockMs - this.now();
  }
}
