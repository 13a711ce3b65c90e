import { PassThrough } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { isFinal } from '../domain/run.ts';
import type { Services } from '../services.ts';
import type { Caller } from '../auth/caller.ts';

const POLL_MS = 1000;
/** How often a stream checks that its viewer may still see the run (disabled, logged out…). */
export const ACCESS_CHECK_MS = 2000;

/** The viewer as they are now: null when they may no longer call the API at all. */
export type CurrentCaller = () => Promise<Caller | null>;

/** One server-sent event; every line of data gets its own data: field. */
function event(name: string, data: string): string {
  const lines = data.replace(/\n$/, '').split('\n');
  return `event: ${name}\n${lines.map((line) => `data: ${line}`).join('\n')}\n\n`;
}

/**
 * A run's log as server-sent events: what is there, then each new piece as it comes
 * ("log" events), then an "end" event with the final status. A run executing on this node
 * streams from memory; one queued or executing elsewhere is followed through the store.
 * The viewer's access is checked again every few seconds: a stream ends with status
 * "forbidden" once they are disabled, logged out or lose the right to see the run.
 */
export async function runLogStream(
  services: Services,
  caller: Caller,
  runId: string,
  request: FastifyRequest,
  currentCaller: CurrentCaller,
) {
  const { run, text } = await services.runs.log(caller, runId);
  const stream = new PassThrough();
  let sent = text.length;
  let stopped = false;
  const cleanups: Array<() => void> = [];
  const finish = (status: string) => {
    if (stopped) return;
    stopped = true;
    stream.end(event('end', JSON.stringify({ status })));
    for (const cleanup of cleanups) cleanup();
  };
  request.raw.on('close', () => {
    stopped = true;
    for (const cleanup of cleanups) cleanup();
  });
  stream.write(event('open', JSON.stringify({ runId, status: run.status })));
  if (text) stream.write(event('log', text));
  if (isFinal(run.status)) {
    finish(run.status);
    return stream;
  }
  const follow = async (): Promise<void> => {
    if (stopped) return;
    const live = services.live.get(runId);
    if (live) {
      const current = live.log.text;
      if (current.length > sent) stream.write(event('log', current.slice(sent)));
      cleanups.push(live.log.subscribe((piece) => stream.write(event('log', piece))));
      await live.ended;
      const ended = await services.store.runs.get(runId);
      finish(ended?.status ?? 'unknown');
      return;
    }
    const latest = await services.store.runs.get(runId);
    const log = (await services.store.runs.log(runId)) ?? '';
    if (log.length > sent) {
      stream.write(event('log', log.slice(sent)));
      sent = log.length;
    }
    if (!latest || isFinal(latest.status)) return finish(latest?.status ?? 'deleted');
    const timer = setTimeout(() => void follow().catch(() => finish('unknown')), POLL_MS);
    cleanups.push(() => clearTimeout(timer));
  };
  void follow().catch(() => finish('unknown'));
  const access = setInterval(() => {
    void stillAllowed(services, currentCaller, runId).then((allowed) => {
      if (!allowed) finish('forbidden');
    });
  }, ACCESS_CHECK_MS);
  cleanups.push(() => clearInterval(access));
  return stream;
}

/** Whether the viewer, as they are now, may still see the run. */
async function stillAllowed(
  services: Services,
  currentCaller: CurrentCaller,
  runId: string,
): Promise<boolean> {
  try {
    const caller = await currentCaller();
    if (!caller) return false;
    await services.runs.get(caller, runId);
    return true;
  } catch {
    return false;
  }
}
