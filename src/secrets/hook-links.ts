import { createHmac, timingSafeEqual } from 'node:crypto';

/** Where HTTP triggers are called: /hooks/<task id>.<trigger id>.<signature>. */
export const HOOK_PREFIX = '/hooks/';

/** Which trigger of which task a hook token names. */
export interface HookTarget {
  taskId: string;
  triggerId: string;
}

/**
 * Unguessable URLs for HTTP triggers: the signature is an HMAC of the task, the trigger and
 * its rotation number under the server's key, so nothing needs storing and raising the
 * rotation (or changing the server key) retires the old URL.
 */
export class HookLinks {
  readonly #key: Buffer;

  constructor(serverSecret: string) {
    this.#key = createHmac('sha256', 'taskplanner.hooks').update(serverSecret).digest();
  }

  /** The path of a trigger's URL. */
  path(target: HookTarget, rotation: number): string {
    return `${HOOK_PREFIX}${target.taskId}.${target.triggerId}.${this.#sign(target, rotation)}`;
  }

  /** The task and trigger a token claims to name, before its signature is checked. */
  static parse(token: string): (HookTarget & { signature: string }) | null {
    const parts = token.split('.');
    if (parts.length !== 3 || parts.some((part) => part === '' || part.length > 100)) return null;
    const [taskId = '', triggerId = '', signature = ''] = parts;
    return { taskId, triggerId, signature };
  }

  /** Whether the signature is this trigger's at this rotation (compared in constant time). */
  verify(target: HookTarget, rotation: number, signature: string): boolean {
    const expected = Buffer.from(this.#sign(target, rotation));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  #sign(target: HookTarget, rotation: number): string {
    return createHmac('sha256', this.#key)
      .update(`${target.taskId}\n${target.triggerId}\n${rotation}`)
      .digest('base64url');
  }
}
