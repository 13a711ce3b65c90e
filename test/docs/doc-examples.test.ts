// The task examples of the docs are accepted by the API as they are written.
//
// Every ```json task block of README.md and docs/**/*.md is posted to POST /api/v1/tasks and
// must be accepted (2xx, with an id). Saving a task checks each component's schema and the
// kind's own check, the limits, and what can never work: a file or folder outside the allowed
// folders, a data source the owner may not use. So the examples assume the setup the docs
// name beside them (DOCUMENTED_SETUP below: the allowed folder /srv and the data sources
// `sales` and `hr`, open to every planner) and nothing more: otherwise a new server's default
// settings (no SMTP server, the default networks and limits) and an owner holding only
// `taskplanner` — no taskplanner.admin, so the server's limits (e.g. the minimum interval
// between a trigger's occurrences) bind the example as they bind a reader. Networks and
// permissions are checked when a task runs, not when it is saved. An example that needs more to
// be saved than the documented setup contradicts the docs, and fails here.
//
// SQLite only: what is checked is the API's validation, which does not depend on the store, so
// one backend is enough.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import {
  codeBlocksOf,
  documentationFiles,
  isTaskExample,
  looksLikeWholeTask,
  type CodeBlock,
} from '../support/markdown-examples.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * What the docs say an administrator set up for their examples (docs/components.md, README):
 * the allowed folder /srv, and the data sources the examples query.
 */
const DOCUMENTED_SETUP = { folder: '/srv', dataSources: ['sales', 'hr'] };

const blocks = documentationFiles(ROOT).flatMap((file) =>
  codeBlocksOf(readFileSync(join(ROOT, file), 'utf8'), file),
);
const examples = blocks.filter(isTaskExample);

/** Where a block is, for test names and failure messages. */
function placeOf(block: CodeBlock): string {
  return `${block.file}:${block.line}`;
}

/** The test's name: the file, the heading the example is under, and its line. */
function nameOf(block: CodeBlock): string {
  return `${block.file} › ${block.heading ?? '(before the first heading)'} (line ${block.line})`;
}

/** The example's task, or a failure naming where it is and why it is no JSON. */
function taskOf(block: CodeBlock): unknown {
  try {
    return JSON.parse(block.text);
  } catch (error) {
    return assert.fail(`${placeOf(block)}: the example is not JSON: ${String(error)}`);
  }
}

describe('the task examples of the docs', () => {
  it('are found as the docs write them: tagged, indented in a list, not inside another fence', () => {
    const markdown = [
      '# Guide',
      '- Post this:',
      '  ```json task',
      '  { "name": "listed", "jobs": [] }',
      '  ```',
      '````md',
      '```json task',
      '{ "name": "quoted", "jobs": [] }',
      '```',
      '````',
      '## Untagged',
      '```json',
      '{ "name": "hidden", "actions": [] }',
      '```',
      '```json',
      '{ "id": "1", "name": "as answered", "jobs": [] }',
      '```',
    ].join('\n');
    const found = codeBlocksOf(markdown, 'guide.md');
    const tagged = found.filter(isTaskExample);
    assert.deepEqual(
      tagged.map(({ line, heading, text }) => ({ line, heading, text })),
      [{ line: 3, heading: 'Guide', text: '{ "name": "listed", "jobs": [] }' }],
    );
    assert.deepEqual(found.filter(looksLikeWholeTask).map(placeOf), ['guide.md:3', 'guide.md:12']);
  });

  it('README.md has at least one', () => {
    const inReadme = examples.filter((block) => block.file === 'README.md');
    assert.ok(inReadme.length > 0, 'README.md has no ```json task block');
  });

  it('are all tagged: every JSON block that reads as a whole task is a ```json task block', () => {
    const untagged = blocks.filter((block) => !isTaskExample(block) && looksLikeWholeTask(block));
    assert.deepEqual(
      untagged.map(placeOf),
      [],
      'these blocks hold a whole task: tag them ```json task so it is tested',
    );
  });
});

const sqlite = (await backends()).find((backend) => backend.name === 'sqlite');
assert.ok(sqlite, 'the SQLite backend');

describe('the API accepts the task examples of the docs (SQLite)', () => {
  let t: TestApp;
  let owner: ApiClient;

  before(async () => {
    // A new server's settings, but for the documented setup.
    t = await startTestApp(sqlite, 'doc-examples', { allowedNetworks: null });
    // Straight into the store, as its real path: the API allows only folders that exist, and
    // this machine need not have /srv. Paths below it are placed by their nearest existing
    // parent, as on a server where the examples' folders are still to be made.
    const { folder, dataSources } = DOCUMENTED_SETUP;
    const real = existsSync(folder) ? realpathSync(folder) : folder;
    await t.testStore.store.settings.set('folderRoots', [real], new Date());
    for (const name of dataSources) {
      const access = { everyone: true, userIds: [], groupIds: [] };
      const location = `postgres://reports@db.example.com/${name}`;
      const made = await t.admin.post('/api/v1/data-sources', {
        name,
        kind: 'postgres',
        location,
        access,
      });
      assert.equal(made.status, 201, JSON.stringify(made.body));
    }
    owner = (await t.user('reader')).client;
  });
  after(async () => {
    await t?.close();
  });

  for (const example of examples) {
    it(nameOf(example), async () => {
      const created = await owner.post('/api/v1/tasks', taskOf(example));
      const body = JSON.stringify(created.body, null, 2);
      const refusal = `${placeOf(example)}: the API answered ${created.status}:\n${body}`;
      assert.ok(created.status >= 200 && created.status < 300, refusal);
      assert.equal(typeof created.body.id, 'string', refusal);
      assert.notEqual(created.body.id, '', refusal);
    });
  }
});
