/** Time as the engine sees it: injectable, so tests can drive it. */
export interface Clock {
  now(): number;
  /** Calls fn after ms; returns how to cancel. */
  setTimer(ms: number, fn: () => void): () => void;
}

/** The machine's clock plus an offset (zero, or the database's lead over this machine). */
export class SystemClock implements Clock {
  #offsetMs = 0;

  now(): number {
    return Date.now() + this.#offsetMs;
  }

  /** Follow another clock: measured as its reading at the midpoint of a round trip. */
  align(remoteNow: number, sentAt: number, receivedAt: number): void {
    this.#offsetMs = Math.round(remoteNow - (sentAt + receivedAt) / 2);
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer = setTimeout(fn, Math.max(0, ms));
    timer.unref?.();
    return () => clearTimeout(timer);
  }
}
