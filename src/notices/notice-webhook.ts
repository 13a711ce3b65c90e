import type { ServerSettings } from '../domain/settings.ts';
import { guardedFetch } from '../net/guarded-fetch.ts';
import { serverNetworkPolicy } from '../net/server-policy.ts';
import { coerceError } from '../domain/coerce-error.ts';
import type { RunNotice } from './run-notice.ts';

/** How long one attempt may take. */
const ATTEMPT_TIMEOUT_MS = 10_000;

/** The waits before the second and third attempt. */
const RETRY_DELAYS_MS = [5_000, 30_000];

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** One POST of the notice as JSON; null when the receiver took it (2xx), else what went wrong. */
async function attempt(
  url: URL,
  notice: RunNotice,
  settings: ServerSettings,
): Promise<string | null> {
  try {
    const { response } = await guardedFetch({
      method: 'POST',
      url,
      userHeaders: new Headers(),
      bodyHeaders: new Headers({ 'content-type': 'application/json' }),
      body: JSON.stringify(notice),
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      policy: serverNetworkPolicy(settings),
    });
    await response.body?.cancel();
    return response.ok ? null : `answered ${response.status} ${response.statusText}`.trim();
  } catch (error) {
    const failure = coerceError(error);
    return failure.name === 'TimeoutError'
      ? `got no answer within ${ATTEMPT_TIMEOUT_MS / 1000} s`
      : failure.message;
  }
}

/**
 * Posts a notice to its webhook, trying three times over about half a minute; returns null once
 * it was taken, or why it never was. The network settings apply as to a task's own requests.
 */
export async function postNotice(
  address: string,
  notice: RunNotice,
  settings: ServerSettings,
): Promise<string | null> {
  const url = new URL(address);
  let failure = await attempt(url, notice, settings);
  for (const delay of RETRY_DELAYS_MS) {
    if (failure === null) return null;
    await wait(delay);
    failure = await attempt(url, notice, settings);
  }
  return failure && `${notice.event} notice to ${url.origin}: ${failure} (tried 3 times)`;
}
