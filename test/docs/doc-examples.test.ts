// The task examples of the docs are accepted by the API as they are written.
//
// Every ```json task block of README.md and docs/**/*.md is posted to POST /api/v1/tasks and
// must be accepted (2xx, with an id). The setup the examples may assume is a new server and
// nothing more: its default settings (no allowed folders, no data sources, no SMTP server, the
// default networks and limits) and an owner holding only `taskplanner` — no taskplanner.admin,
// so the server's limits (e.g. the minimum interval between a trigger's occurrences) bind the
// example as they bind a reader. Saving a task checks each component's schema and the kind's own
// check, and the limits; folders, data sources, networks and permissions are checked when a task
// runs, not when it is saved — which is what the docs promise ("saving it needs no setup"). An
// example that needs more to be saved contradicts that, and fails here.
//
// SQLite only: what is checked is the API's validation, which does not depend on the store, so
// one backend is enough.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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
    // A new server's settings: nothing stored beyond what any server starts with.
    t = await startTestApp(sqlite, 'doc-examples', { allowedNetworks: null });
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
