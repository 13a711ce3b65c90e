import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { defineAction, defineJob } from '../../src/plugins/define-kind.ts';
import type { Plugin } from '../../src/plugins/plugin.ts';
import type { ActionContext, JobContext } from '../../src/plugins/run-context.ts';

/** What the test actions received, by sink name. */
export const received = new Map<
  string,
  Array<{ results: ActionContext['results']; placeholders: Record<string, unknown> }>
>();

/** Gates jobs wait on until a test opens them. */
const gates = new Map<string, { promise: Promise<void>; open: () => void }>();

/** The gate of a name, made on first use. */
export function gate(name: string) {
  let entry = gates.get(name);
  if (!entry) {
    let open: () => void = () => {};
    const promise = new Promise<void>((resolve) => (open = resolve));
    entry = { promise, open };
    gates.set(name, entry);
  }
  return entry;
}

/** Resolves when the signal aborts. */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
}

const Anything = Type.Object({}, { additionalProperties: true });

/** Component kinds for tests: simple, observable, and each with one behaviour. */
export const testPlugin: Plugin = {
  name: 'test',
  permissions: [{ name: 'job.guarded', description: 'May use the guarded test job' }],
  components: [
    defineJob({
      kind: 'noop',
      title: 'No-op',
      description: 'Does nothing',
      configSchema: Anything,
      produces: [],
      run: async () => [],
    }),
    defineJob({
      kind: 'text',
      title: 'Text',
      description: 'Returns its text, valid unless valid is false',
      configSchema: Anything,
      produces: ['text'],
      run: async (config: { text?: string; valid?: boolean }, context: JobContext) => [
        {
          type: 'text',
          name: 'out',
          text: String(config.text ?? '').replace(/\{(\w+)\}/g, (_, key: string) =>
            JSON.stringify(context.placeholders[key] ?? '').replace(/^"|"$/g, ''),
          ),
          valid: config.valid ?? true,
        },
      ],
    }),
    defineJob({
      kind: 'file',
      title: 'File',
      description: 'Writes a file into its working folder',
      configSchema: Anything,
      produces: ['file'],
      run: async (config: { name?: string; content?: string }, context: JobContext) => {
        const path = join(await context.workDir(), config.name ?? 'out.txt');
        await writeFile(path, config.content ?? '');
        return [{ type: 'file', name: config.name ?? 'out.txt', path, mediaType: 'text/plain' }];
      },
    }),
    defineJob({
      kind: 'fail',
      title: 'Fail',
      description: 'Fails with its message (or only for a series value)',
      configSchema: Anything,
      produces: ['text'],
      run: async (config: { message?: string; when?: string }, context: JobContext) => {
        if (config.when !== undefined && context.placeholders.name !== config.when) {
          return [{ type: 'text', name: 'ok', text: 'ok' }];
        }
        throw new Error(config.message ?? 'failed on purpose');
      },
    }),
    defineJob({
      kind: 'wait',
      title: 'Wait',
      description: 'Waits for a gate to open, or ms milliseconds, or its signal',
      configSchema: Anything,
      produces: [],
      run: async (
        config: { gate?: string; ms?: number; ignoreSignal?: boolean },
        context: JobContext,
      ) => {
        context.log.info('waiting');
        const waits: Array<Promise<void>> = [];
        if (config.gate) waits.push(gate(config.gate).promise);
        if (config.ms !== undefined)
          waits.push(new Promise((resolve) => setTimeout(resolve, config.ms)));
        if (!config.ignoreSignal) waits.push(aborted(context.signal));
        await Promise.race(waits);
        if (context.signal.aborted && !config.ignoreSignal) throw new Error('aborted');
        context.log.info('done waiting');
        return [];
      },
    }),
    defineJob({
      kind: 'guarded',
      title: 'Guarded',
      description: 'Needs job.guarded',
      configSchema: Anything,
      permission: 'job.guarded',
      produces: ['text'],
      run: async () => [{ type: 'text', name: 'guarded', text: 'ran' }],
    }),
    defineAction({
      kind: 'collect',
      title: 'Collect',
      description: 'Records the results it gets under its sink',
      configSchema: Anything,
      accepts: ['text', 'file', 'json'],
      run: async (config: { sink?: string }, context: ActionContext) => {
        const sink = config.sink ?? 'default';
        received.set(sink, [
          ...(received.get(sink) ?? []),
          { results: context.results, placeholders: { ...context.placeholders } },
        ]);
      },
    }),
    defineAction({
      kind: 'collect-files',
      title: 'Collect files',
      description: 'Records the file results it gets',
      configSchema: Anything,
      accepts: ['file'],
      run: async (config: { sink?: string }, context: ActionContext) => {
        const sink = config.sink ?? 'files';
        received.set(sink, [
          ...(received.get(sink) ?? []),
          { results: context.results, placeholders: { ...context.placeholders } },
        ]);
      },
    }),
    defineAction({
      kind: 'fail',
      title: 'Fail',
      description: 'Fails',
      configSchema: Anything,
      accepts: [],
      run: async () => {
        throw new Error('action failed on purpose');
      },
    }),
  ],
};
