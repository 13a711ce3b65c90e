import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Run } from '../../src/domain/run.ts';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { componentOf, runLog, runTask } from '../support/engine-runs.ts';
import { received } from '../support/test-kinds.ts';

const NODE = process.execPath;

/** A command job that writes out.txt into its output folder, then exits with the code. */
function commandJob(exitCode: number, condition: Record<string, unknown>) {
  const script =
    "require('fs').writeFileSync(require('path').join(process.env.TASKPLANNER_OUTPUT_DIR, 'out.txt'), 'x');" +
    `process.exit(${exitCode})`;
  return {
    id: 'probe',
    kind: 'command',
    config: { program: NODE, arguments: ['-e', script], validExitCodes: [0, 3] },
    condition,
  };
}

for (const backend of await backends()) {
  describe(`job conditions as expressions on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    let alice: ApiClient;
    const sink = (name: string) => `conditions-${name}-${backend.name}`;

    before(async () => {
      t = await startEngineApp(backend, 'job-conditions');
      alice = (await t.user('alice', ['taskplanner', 'job.command'])).client;
    });
    after(async () => {
      await t?.close();
    });

    /** Runs the command job with an any-valid and an always action; what each received. */
    async function runWith(exitCode: number, condition: Record<string, unknown>, name: string) {
      const run: Run = await runTask(t, alice, {
        name,
        jobs: [commandJob(exitCode, condition)],
        actions: [
          {
            id: 'valid',
            kind: 'collect',
            qualification: 'any-valid',
            config: { sink: sink(`${name}-valid`) },
          },
          {
            id: 'always',
            kind: 'collect',
            qualification: 'always',
            config: { sink: sink(`${name}-always`) },
          },
        ],
      });
      return {
        run,
        log: await runLog(alice, run),
        valid: received.get(sink(`${name}-valid`)) ?? [],
        always: received.get(sink(`${name}-always`)) ?? [],
      };
    }

    it('runs an any-valid action when the command’s exitCode == 0 holds', async () => {
      const { run, valid, always } = await runWith(0, { expression: 'exitCode == 0' }, 'holds');
      assert.equal(run.status, 'succeeded', JSON.stringify(run));
      assert.equal(componentOf(run, 'valid').status, 'succeeded');
      assert.equal(valid.length, 1);
      assert.deepEqual(
        valid[0]?.results.map((result) => [result.name, result.valid]),
        [['out.txt', true]],
      );
      assert.equal(always.length, 1);
    });

    it('skips it when exitCode == 0 is false: the results are invalid, and the log says why', async () => {
      const { run, log, valid, always } = await runWith(
        3,
        { expression: 'exitCode == 0' },
        'fails',
      );
      assert.equal(run.status, 'succeeded', 'the job itself succeeded (3 is a valid exit code)');
      const action = componentOf(run, 'valid');
      assert.equal(action.status, 'skipped');
      assert.match(action.message ?? '', /no job result is valid/);
      assert.equal(valid.length, 0);
      assert.deepEqual(
        always[0]?.results.map((result) => [result.name, result.valid]),
        [['out.txt', false]],
        'an always action still gets the result, marked invalid',
      );
      assert.match(
        log,
        /condition 'exitCode == 0' is false: the results of job probe are not valid/,
      );
    });

    it('combines comparisons with not, and, or and parentheses', async () => {
      const { valid } = await runWith(
        3,
        { expression: 'not (exitCode > 3) and (exitCode == 0 or exitCode == 3)' },
        'combined',
      );
      assert.equal(valid.length, 1);
    });

    it('is false for an output the job never published, with a warning naming the outputs it did', async () => {
      const { run, log, valid } = await runWith(0, { expression: 'rows > 0' }, 'unpublished');
      assert.equal(componentOf(run, 'valid').status, 'skipped');
      assert.equal(valid.length, 0);
      assert.match(log, /condition: the job published no output 'rows'; outputs: exitCode/);
    });

    it('applies to every job kind, here a test job that publishes nothing', async () => {
      const run = await runTask(t, alice, {
        name: 'text job',
        jobs: [
          { id: 'say', kind: 'text', config: { text: 'hi' }, condition: { expression: 'x == 1' } },
        ],
        actions: [
          {
            id: 'valid',
            kind: 'collect',
            qualification: 'none-valid',
            config: { sink: sink('none-valid') },
          },
        ],
      });
      assert.equal(componentOf(run, 'valid').status, 'succeeded', 'no result is valid');
      assert.match(await runLog(alice, run), /published no output 'x'; outputs: none/);
    });

    it('refuses a task whose expression does not parse, saying where and what', async () => {
      const refused = await alice.post('/api/v1/tasks', {
        name: 'bad condition',
        enabled: false,
        jobs: [
          { kind: 'text', config: {}, condition: { expression: 'exitCode == 0' } },
          { kind: 'text', config: {}, condition: { expression: 'exitCode >' } },
        ],
      });
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.deepEqual(refused.body.errors, [
        {
          in: 'body',
          path: '/jobs/1/condition/expression',
          message: "condition: expected a number, a string or a name after '>' at character 11",
        },
      ]);
      const long = await alice.post('/api/v1/tasks', {
        name: 'long condition',
        jobs: [
          {
            kind: 'text',
            config: {},
            condition: { expression: 'a == 1 or '.repeat(60) + 'a == 1' },
          },
        ],
      });
      assert.equal(long.status, 400);
      assert.match(long.body.errors[0].message, /more than 500/);
      const good = await alice.post('/api/v1/tasks', {
        name: 'good',
        enabled: false,
        jobs: [{ id: 'j', kind: 'text', config: {} }],
      });
      assert.equal(good.status, 201);
      const changed = await alice.patch(`/api/v1/tasks/${good.body.id}`, {
        revision: good.body.revision,
        jobs: [{ id: 'j', kind: 'text', config: {}, condition: { expression: 'a == "open' } }],
      });
      assert.equal(changed.status, 400, JSON.stringify(changed.body));
      assert.match(
        changed.body.errors[0].message,
        /the string that starts at character 6 has no closing "/,
      );
    });
  });
}
