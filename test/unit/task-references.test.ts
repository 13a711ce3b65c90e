import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtinPlugin } from '../../src/plugins/builtin/index.ts';
import { ComponentRegistry } from '../../src/plugins/registry.ts';
import { referencesOf, withReferencesRewritten } from '../../src/tasks/task-references.ts';

const registry = new ComponentRegistry();
for (const kind of builtinPlugin.components) registry.register(kind);

describe('references between tasks', () => {
  const entry = {
    triggers: [
      { kind: 'after-task', config: { taskIds: ['old-a', 'elsewhere'], mode: 'all' } },
      { kind: 'after-task', config: { taskId: 'old-b' } },
    ],
    actions: [{ kind: 'next-task', config: { taskId: 'old-a', parameters: {} } }],
  };

  it('finds every task an after-task trigger of several tasks and a next-task action name', () => {
    assert.deepEqual(
      referencesOf(registry, entry).map(({ category, index, taskId }) => [category, index, taskId]),
      [
        ['trigger', 0, 'old-a'],
        ['trigger', 0, 'elsewhere'],
        ['trigger', 1, 'old-b'],
        ['action', 0, 'old-a'],
      ],
    );
  });

  it('rewrites the ids the map holds in taskId and taskIds, and leaves the others', () => {
    const rewritten = withReferencesRewritten(
      registry,
      entry,
      new Map([
        ['old-a', 'new-a'],
        ['old-b', 'new-b'],
      ]),
    );
    assert.deepEqual(rewritten.triggers[0]?.config, {
      taskIds: ['new-a', 'elsewhere'],
      mode: 'all',
    });
    assert.deepEqual(rewritten.triggers[1]?.config, { taskId: 'new-b' });
    assert.deepEqual(rewritten.actions[0]?.config, { taskId: 'new-a', parameters: {} });
  });
});
