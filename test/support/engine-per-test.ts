import { afterEach } from 'node:test';
import type { Backend } from './backends.ts';
import { startEngineApp, type EngineApp, type EngineAppOptions } from './engine-app.ts';
import { gate } from './test-kinds.ts';

/**
 * One engine app per test of the calling describe: `open` starts it (with the suite's options,
 * overridden by the test's), `gateName` names a gate of the test, and after each test the gates
 * it named are opened (so a failed test leaves no run waiting, which the engine would wait for
 * when it stops) and the app is closed.
 */
export function engineAppPerTest(
  backend: Backend,
  label: string,
  suiteOptions: EngineAppOptions = {},
): {
  open: (options?: EngineAppOptions) => Promise<EngineApp>;
  gateName: (test: string) => string;
} {
  let current: EngineApp | undefined;
  const gatesUsed: string[] = [];
  afterEach(async () => {
    for (const name of gatesUsed.splice(0)) gate(name).open();
    await current?.close();
    current = undefined;
  });
  return {
    open: async (options = {}) =>
      (current = await startEngineApp(backend, label, { ...suiteOptions, ...options })),
    gateName: (test) => {
      const name = `${label}-${test}-${backend.name}`;
      gatesUsed.push(name);
      return name;
    },
  };
}
