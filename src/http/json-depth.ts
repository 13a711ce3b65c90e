import { AppError } from '../domain/errors.ts';

/** Deeper JSON than this is refused before anything walks it (validators recurse). */
export const MAX_JSON_DEPTH = 64;

/** Whether arrays and objects in the value nest deeper than max; walks without recursion. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, depth] = next;
    if (typeof item !== 'object' || item === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return false;
}

/** The answer to a body nested too deep: a 400 that names the limit. */
export function tooDeepError(): AppError {
  const message = `nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels, the most this server reads`;
  return new AppError('VALIDATION_FAILED', `The JSON body ${message}`, {
    issues: [{ in: 'body', path: '', message }],
  });
}
