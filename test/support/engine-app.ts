import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINE_DEFAULTS, Engine, type EngineOptions } from '../../src/engine/engine.ts';
import type { Clock } from '../../src/engine/clock.ts';
import type { Run } from '../../src/domain/run.ts';
import { isFinal } from '../../src/domain/run.ts';
import type { Plugin } from '../../src/plugins/plugin.ts';
import type { Backend } from './backends.ts';
import { happenedOrNextEvent } from './engine-events.ts';
import { FakeClock } from './fake-clock.ts';
import { startTestApp, type TestApp } from './test-app.ts';
import { testPlugin } from './test-kinds.ts';
import { Noticer } from '../../src/notices/noticer.ts';

/** A test app with a running engine on a clock the test controls. */
export interface EngineApp extends TestApp {
  engine: Engine;
  clock: FakeClock;
  /**
   * Resolves with the run once its end is written (at once if it already ended): on the engine's
   * "ended" event, so only for runs this engine ends, or that ended before the call.
   */
  ended(runId: string): Promise<Run>;
  /**
   * Starts a fresh engine on the same store (after stopEngine), as a restarted server would;
   * beforeStart sees it first, to subscribe to what it does as it starts.
   */
  restartEngine(beforeStart?: (engine: Engine) => void): Promise<Engine>;
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
      const final = async () => {
        const run = await t.services.store.runs.get(runId);
        return run !== undefined && isFinal(run.status);
      };
      try {
        await happenedOrNextEvent(engine, 'ended', (id) => id === runId, final);
      } catch (error) {
        const run = await t.services.store.runs.get(runId);
        throw new Error(`run ${runId} did not end here: it is ${run?.status ?? 'missing'}`, {
          cause: error,
        });
      }
      const run = await t.services.store.runs.get(runId);
      assert.ok(run, `run ${runId} is gone`);
      return run;
    },
    restartEngine: async (beforeStart) => {
      engine = make(clock);
      beforeStart?.(engine);
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

/** A noticer as the app's engine has, for code that ends runs outside an engine (a sweep). */
export function noticerOf(t: EngineApp): Noticer {
  const { registry, box, settings } = t.services;
  return new Noticer({
    registry,
    box,
    settings: (store) => settings.recent(store),
    logger: console,
  });
}
