import { durationText } from '../domain/duration-text.ts';
import type { ComponentOutcome } from '../domain/run.ts';

/**
 * {run.status}, {run.reason} and {run.duration} as an action sees them: how the run stands
 * when the action starts (failed once a job or an earlier action failed, with that one's
 * message), and how long it has run by then.
 */
export function runSoFar(
  components: readonly ComponentOutcome[],
  startedAt: number,
  now: number,
): Record<string, string> {
  const failed = components.find(
    (component) => component.status !== 'succeeded' && component.status !== 'skipped',
  );
  return {
    'run.status': failed ? 'failed' : 'succeeded',
    'run.reason': failed
      ? `${failed.category} ${failed.id}: ${failed.message ?? failed.status}`
      : '',
    'run.duration': durationText(now - startedAt),
  };
}
