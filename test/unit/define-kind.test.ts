import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import type { JobKind } from '../../src/plugins/component-kind.ts';
import {
  defineAction,
  defineJob,
  defineSeries,
  defineTrigger,
} from '../../src/plugins/define-kind.ts';
import { ComponentRegistry } from '../../src/plugins/registry.ts';

// The @ts-expect-error lines are the type-level half of these tests: `npm run typecheck` covers
// test/, and fails when a line below them stops being an error (a misuse the types let through).

const Greeting = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    shout: Type.Boolean({ default: false }),
  },
  { additionalProperties: false },
);

const greetJob = defineJob({
  kind: 'greet',
  title: 'Greet',
  description: 'Greets by name',
  configSchema: Greeting,
  produces: ['text'],
  check: (config, path) =>
    config.shout && config.name === config.name.toLowerCase()
      ? [{ path: `${path}/name`, message: 'a shouted name is written in capitals' }]
      : [],
  run: async (config) => {
    // @ts-expect-error the schema declares no field 'age'
    void config.age;
    return [{ type: 'text', name: 'greeting', text: `Hello, ${config.name}` }];
  },
});

describe('the define* helpers', () => {
  it('give each kind its category and keep what the plugin declared', () => {
    const run = async () => {};
    const declared = {
      kind: 'k',
      title: 'K',
      description: 'A kind',
      configSchema: Greeting,
    };
    const action = defineAction({ ...declared, accepts: [], run });
    const series = defineSeries({ ...declared, resolve: async () => [] });
    const trigger = defineTrigger({ ...declared, describe: (config) => `for ${config.name}` });
    assert.deepEqual(
      [greetJob.category, action.category, series.category, trigger.category],
      ['job', 'action', 'series', 'trigger'],
    );
    assert.equal(action.run, run);
    assert.equal(action.configSchema, Greeting);
    assert.equal(trigger.describe?.({ name: 'Ada', shout: false }, 'UTC'), 'for Ada');
  });

  it("runs a kind's check only on a config its schema accepted, defaults filled in", () => {
    const registry = new ComponentRegistry();
    registry.register(greetJob);
    // The check reads config.name.toLowerCase(): a config without a name never reaches it.
    assert.deepEqual(registry.checkComponent('job', 'greet', {}, '/jobs/0', 'UTC'), [
      { path: '/jobs/0/config/name', message: 'is required' },
    ]);
    assert.deepEqual(
      registry.checkComponent('job', 'greet', { name: 'ada' }, '/jobs/0', 'UTC'),
      [],
    );
    assert.deepEqual(
      registry.checkComponent('job', 'greet', { name: 'ada', shout: true }, '/jobs/0', 'UTC'),
      [{ path: '/jobs/0/config/name', message: 'a shouted name is written in capitals' }],
    );
  });

  it('reject, at typecheck, methods that read a config other than the schema declares', () => {
    defineJob({
      kind: 'misread',
      title: 'Misread',
      description: 'Declares one shape and reads another',
      configSchema: Greeting,
      produces: [],
      // @ts-expect-error run's config is the schema's, not another shape
      run: async (config: { url: string }) => (config.url ? [] : []),
    });
    defineTrigger({
      kind: 'misread',
      title: 'Misread',
      description: 'Follows a task its schema does not name',
      configSchema: Greeting,
      // @ts-expect-error the schema declares no field 'taskId'
      follows: (config) => ({ taskId: config.taskId, on: 'always' }),
    });
    defineAction({
      kind: 'misread',
      title: 'Misread',
      description: 'Starts a task its schema does not name',
      configSchema: Greeting,
      accepts: [],
      // @ts-expect-error the schema declares no field 'taskId'
      startsTask: (config) => config.taskId,
      run: async () => {},
    });
    defineSeries({
      kind: 'misread',
      title: 'Misread',
      description: 'Checks a field its schema does not declare',
      configSchema: Greeting,
      // @ts-expect-error the schema declares no field 'items'
      check: (config) => (config.items ? [] : []),
      resolve: async () => [],
    });
    const literal: JobKind = {
      category: 'job',
      kind: 'literal',
      title: 'Literal',
      description: 'Skips the helper: its config arrives as unknown and claims no shape',
      configSchema: Greeting,
      produces: [],
      // @ts-expect-error a kind written without a helper gets its config as unknown
      run: async (config: { name: string }) => (config.name ? [] : []),
    };
    assert.equal(literal.category, 'job');
  });
});
