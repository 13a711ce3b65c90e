// An example plugin: every part of the plugin API in one small file.
// Load it with TASKPLANNER_PLUGINS=./examples/plugin-hello (or its package name once installed).
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { defineAction, defineJob, defineTrigger } from '../../src/plugins/define-kind.ts';
import type { Plugin } from '../../src/plugins/plugin.ts';

/** Trigger `hello-ticker`: starts the task every few seconds while it is enabled. */
const TickerConfig = Type.Object(
  {
    seconds: Type.Number({ minimum: 0.05, maximum: 86_400, default: 60, description: 'How often' }),
  },
  { additionalProperties: false },
);

/** Job `hello`: greets someone; the greeting is a text result and the output {job.<id>.length}. */
const HelloConfig = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 200,
      default: '{task.name}',
      description: 'Whom to greet (placeholders are filled in before the job sees it)',
    }),
  },
  { additionalProperties: false },
);

/** Action `hello-note`: appends the greetings to a file in a folder an administrator allows. */
const NoteConfig = Type.Object(
  {
    folder: Type.String({
      minLength: 1,
      maxLength: 4096,
      folder: true,
      description: 'An allowed folder',
    }),
    fileName: Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[^/\\\\]+$',
      default: 'greetings-{date}.txt',
      description: 'The file to append to',
    }),
  },
  { additionalProperties: false },
);

// Each define* helper types its methods' config by the kind's configSchema: reading a field the
// schema does not declare fails the typecheck.
const helloTicker = defineTrigger({
  kind: 'hello-ticker',
  title: 'Hello ticker',
  description: 'Starts the task every few seconds',
  configSchema: TickerConfig,
  start: (config, context) => {
    let tick = 0;
    const timer = setInterval(() => {
      tick += 1;
      context.fire('start', { tick: String(tick) }).catch((error: unknown) => {
        context.log.error(`hello-ticker: ${(error as Error).message}`);
      });
    }, config.seconds * 1000);
    return () => clearInterval(timer);
  },
});

const helloJob = defineJob({
  kind: 'hello',
  title: 'Hello',
  description: 'Greets someone',
  configSchema: HelloConfig,
  produces: ['text'],
  run: async (config, context) => {
    const text = `Hello, ${config.name}!`;
    context.log.info(`greeting ${config.name}`);
    context.output('length', text.length);
    return [{ type: 'text', name: 'greeting', text }];
  },
});

const helloNote = defineAction({
  kind: 'hello-note',
  title: 'Hello note',
  description: 'Appends the greetings to a file in an allowed folder',
  configSchema: NoteConfig,
  permission: 'hello.note',
  accepts: ['text'],
  run: async (config, context) => {
    const folder = await context.host.allowedPath(config.folder);
    const file = await context.host.allowedPath(join(folder, config.fileName));
    const lines = context.results.flatMap((result) =>
      result.type === 'text' ? [`${result.text}\n`] : [],
    );
    await appendFile(file, lines.join(''));
    context.log.info(`wrote ${lines.length} greetings to ${file}`);
  },
});

const plugin: Plugin = {
  name: 'hello',
  permissions: [{ name: 'hello.note', description: 'May write greetings into allowed folders' }],
  components: [helloTicker, helloJob, helloNote],
};

export default plugin;
