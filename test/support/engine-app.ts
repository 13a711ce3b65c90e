import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINE_DEFAULTS, Engine, type EngineOptions } from '../../src/engine/engine.ts';
import type { Clock } from '../../src/engine/clock.ts';
import type { Run } from '../../src/domain/run.ts';
import { isFinal } from '../../src/domain/run.ts';
import type { Plugin } from '../../src/plugins/plugin.ts';
import type { Backend } from './backends.ts';
import { FakeClock } from './fake-clock.ts';
import { startTestApp, type TestApp } from './test-app.ts';
import { testPlugin } from './test-kinds.ts';

/** A test app with a running engine on a clock the test controls. */
export interface EngineApp extends TestApp {
  engine: Engine;
  clock: FakeClock;
  /** Resolves with the run once its end is written (at once if it already ended). */
  ended(runId: string): Promise<Run>;
  /** Starts a fresh engine on the same store (after stopEngine), as a restarted server would. */
  restartEngine(): Promise<Engine>;
  stopEngine(graceMs?: number): Promise<void>;
}

/** The options of EngineApp. */
export interface EngineAppOptions {
  start?: Date;
  /** Plugins besides the test kinds. */
  plugins?: readonly Plugin[];
  engine?: Partial<EngineOptions>;
  /** The allowedNetworks setting; default the loopback networks the test peers use (see TestAppOptions). */
  allowedNetworks?: readonly string[] | null;
}

/** Starts an app over a fresh store of the backend, with the test kinds and an engine. */
export async function startEngineApp(
  backend: Backend,
  label: string,
  options: EngineAppOptions = {},
): Promise<EngineApp> {
  const clock = new FakeClock(options.start ?? new Date('2026-03-02T08:00:00Z'));
  const t = await startTestApp(backend, label, {
    services: { plugins: [testPlugin, ...(options.plugins ?? [])] },
    now: () => clock.date(),
    ...(options.allowedNetworks === undefined ? {} : { allowedNetworks: options.allowedNetworks }),
  });
  const workRoot = mkdtempSync(join(tmpdir(), 'tp-work-'));
  const engineOptions: EngineOptions = {
    ...ENGINE_DEFAULTS,
    nodeName: 'test-node',
    workRoot,
    ...options.engine,
  };
  const silent = { info: () => {}, error: (message: string) => console.error(message) };
  const make = (engineClock: Clock) =>
    new Engine(
      t.services.store,
      t.services.registry,
      engineClock,
      engineOptions,
      silent,
      t.services,
    );
  let engine = make(clock);
  await engine.start();
  let running = true;
  const app: EngineApp = {
    ...t,
    clock,
    get engine() {
      return engine;
    },
    ended: async (runId) => {
      for (;;) {
        const waiting = new Promise<void>((resolve) => {
          const listener = (id: string) => {
            if (id !== runId) return;
            engine.events.off('ended', listener);
            resolve();
          };
          engine.events.on('ended', listener);
          setTimeout(() => {
            engine.events.off('ended', listener);
            resolve();
          }, 200);
        });
        const run = await t.services.store.runs.get(runId);
        if (run && isFinal(run.status)) return run;
        await waiting;
      }
    },
    restartEngine: async () => {
      engine = make(clock);
      await engine.start();
      running = true;
      return engine;
    },
    stopEngine: async (graceMs = 0) => {
      if (running) await engine.stop(graceMs);
      running = false;
    },
    close: async () => {
      if (running) await engine.stop(0);
      running = false;
      await t.close();
      rmSync(workRoot, { recursive: true, force: true });
    },
  };
  return app;
}
