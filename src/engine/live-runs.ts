import type { RunLog } from './run-log.ts';

/** Why a run in progress is being stopped. */
export type StopReason = 'canceled' | 'timed-out' | 'interrupted';

/** A run executing on this node. */
export interface LiveRun {
  id: string;
  taskId: string;
  log: RunLog;
  stop(reason: StopReason): void;
  /** Its components are done and its end is being written: nothing is left to stop. */
  settled: boolean;
  /** Resolves when the run has ended and its end is written. */
  ended: Promise<void>;
}

/** The runs executing on this node, for cancelling them and streaming their logs. */
export class LiveRuns {
  readonly #runs = new Map<string, LiveRun>();
  readonly #idle = new Set<() => void>();

  add(run: LiveRun): void {
    this.#runs.set(run.id, run);
  }

  remove(id: string): void {
    this.#runs.delete(id);
    if (this.#runs.size === 0) for (const resolve of this.#idle) resolve();
  }

  get(id: string): LiveRun | undefined {
    return this.#runs.get(id);
  }

  get size(): number {
    return this.#runs.size;
  }

  all(): LiveRun[] {
    return [...this.#runs.values()];
  }

  ofTask(taskId: string): LiveRun[] {
    return this.all().filter((run) => run.taskId === taskId);
  }

  /** Resolves once no run is executing. */
  async idle(): Promise<void> {
    if (this.#runs.size === 0) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.#idle.delete(done);
        resolve();
      };
      this.#idle.add(done);
    });
  }
}
