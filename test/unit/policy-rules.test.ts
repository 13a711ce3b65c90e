import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MISFIRE_POLICIES, OVERLAP_POLICIES } from '../../src/domain/policy-names.ts';
import { RUN_STATUSES } from '../../src/domain/run.ts';
import { DEFAULT_POLICY } from '../../src/domain/task.ts';
import { PolicyInput } from '../../src/domain/task-schema.ts';
import { MISFIRE_RULES } from '../../src/engine/fire-plan.ts';
import { OVERLAP_RULES } from '../../src/engine/overlap-policy.ts';
import { RETRY_RULES } from '../../src/engine/retry-policy.ts';

/** The names a JSON Schema union of literals accepts. */
function literals(schema: { anyOf?: Array<{ const?: unknown }> }): unknown[] {
  return (schema.anyOf ?? []).map((each) => each.const);
}

describe('policy names and rule tables', () => {
  it('the API schema accepts exactly the names of each list', () => {
    const { overlap, misfire } = PolicyInput.properties;
    assert.deepEqual(literals(overlap), [...OVERLAP_POLICIES]);
    assert.deepEqual(literals(misfire), [...MISFIRE_POLICIES]);
  });

  it('has one rule per name, and the first name of each list is the default', () => {
    assert.deepEqual(Object.keys(OVERLAP_RULES).sort(), [...OVERLAP_POLICIES].sort());
    assert.deepEqual(Object.keys(MISFIRE_RULES).sort(), [...MISFIRE_POLICIES].sort());
    assert.equal(DEFAULT_POLICY.overlap, OVERLAP_POLICIES[0]);
    assert.equal(DEFAULT_POLICY.misfire, MISFIRE_POLICIES[0]);
  });

  it('only parallel runs overlap, and retries follow failures a new attempt may cure', () => {
    const serial = OVERLAP_POLICIES.filter((name) => OVERLAP_RULES[name].serial);
    assert.deepEqual(serial, ['skip', 'queue']);
    const ends = RUN_STATUSES.filter((status) => status !== 'queued' && status !== 'running');
    assert.deepEqual(Object.keys(RETRY_RULES).sort(), [...ends].sort());
    const retried = ends.filter((status) => RETRY_RULES[status]);
    assert.deepEqual(retried.sort(), ['failed', 'interrupted', 'timed-out']);
  });
});
