import { createHmac, timingSafeEqual } from 'node:crypto';

/** Where HTTP triggers are called: /hooks/<task id>.<trigger id>.<signature>. */
export const HOOK_PREFIX = '/hooks/';

/** Which trigger of which task a hook token names. */
export interface HookTarget {
  taskId: string;
  triggerId: string;
}

/** What a hook URL is bound to: the trigger, its rotation number and the task's owner. */
export interface HookBinding extends HookTarget {
  rotation: number;
  ownerId: string;
}

/**
 * Unguessable URLs for HTTP triggers: the signature is an HMAC of the task, the trigger, its
 * rotation number and the task's owner under the server's key, so nothing needs storing, and
 * raising the rotation, giving the task to another owner (whose runs the URL would start) or
 * changing the server key retires the old URL.
 */
export class HookLinks {
  readonly #key: Buffer;

  constructor(serverSecret: string) {
    this.#key = createHmac('sha256', 'taskplanner.hooks').update(serverSecret).digest();
  }

  /** The path of a trigger's URL. */
  path(binding: HookBinding): string {
    return `${HOOK_PREFIX}${binding.taskId}.${binding.triggerId}.${this.#sign(binding)}`;
  }

  /** The task and trigger a token claims to name, before its signature is checked. */
  static parse(token: string): (HookTarget & { signature: string }) | null {
    const parts = token.split('.');
    if (parts.length !== 3 || parts.some((part) => part === '' || part.length > 100)) return null;
    const [taskId = '', triggerId = '', signature = ''] = parts;
    return { taskId, triggerId, signature };
  }

  /** Whether the signature is this binding's (compared in constant time). */
  verify(binding: HookBinding, signature: string): boolean {
    const expected = Buffer.from(this.#sign(binding));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  #sign(binding: HookBinding): string {
    const { taskId, triggerId, rotation, ownerId } = binding;
    return createHmac('sha256', this.#key)
      .update(`${taskId}\n${triggerId}\n${rotation}\n${ownerId}`)
      .digest('base64url');
  }
}
