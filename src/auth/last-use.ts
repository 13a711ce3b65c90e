/** How precisely the last use of a session or token is kept: finer would cost a write per request. */
const RESOLUTION_MS = 60_000;

/** Whether a use at `now` should be written, given the last one written. */
export function isWorthRecording(lastRecorded: Date | null, now: Date): boolean {
  return lastRecorded === null || now.getTime() - lastRecorded.getTime() >= RESOLUTION_MS;
}
