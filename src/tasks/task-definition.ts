import { randomBytes } from 'node:crypto';
import { conditionIssues } from '../domain/condition-expression.ts';
import { validationError, type FieldIssue } from '../domain/errors.ts';
import {
  DEFAULT_POLICY,
  type ActionComponent,
  type Component,
  type ComponentCategory,
  type JobComponent,
  type Task,
  type TaskDefinition,
} from '../domain/task.ts';
import type { TaskCreateInput } from '../domain/task-schema.ts';
import { isValidTimeZone } from '../domain/timezone.ts';
import { noticesOf } from '../notices/notice-input.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { sealComponentSecrets, type SecretKeeping } from './task-secrets.ts';

type ComponentInput = { id?: string; kind: string; config?: Record<string, unknown> };

/** What turning input into a definition needs besides the input. */
export interface DefinitionContext {
  registry: ComponentRegistry;
  defaultTimezone: string;
  /** Seals the secret fields of components. */
  box: SecretBox;
}

/** Collects the issues of one definition and hands out unique component ids. */
class DefinitionBuilder {
  readonly issues: FieldIssue[] = [];
  readonly #ids = new Set<string>();

  constructor(
    private readonly context: DefinitionContext,
    private readonly previous: TaskDefinition | null,
    private readonly keep: SecretKeeping,
    /** The zone components are checked in (a schedule's times exist in it). */
    private readonly timezone: string,
  ) {}

  component(category: ComponentCategory, input: ComponentInput, path: string): Component {
    const config = input.config ?? {};
    const { registry, box } = this.context;
    this.issues.push(...registry.checkComponent(category, input.kind, config, path, this.timezone));
    const id = input.id ?? this.#newId(category);
    if (this.#ids.has(id))
      this.issues.push({ path: `${path}/id`, message: `duplicate component id '${id}'` });
    this.#ids.add(id);
    const component = { id, kind: input.kind, config };
    const sealed = sealComponentSecrets(
      registry,
      box,
      category,
      component,
      this.previous,
      path,
      this.issues,
      this.keep,
    );
    return { ...component, config: sealed };
  }

  #newId(category: ComponentCategory): string {
    let id: string;
    do id = `${category}-${randomBytes(3).toString('hex')}`;
    while (this.#ids.has(id));
    return id;
  }
}

function timezoneOf(input: TaskCreateInput, fallback: string, issues: FieldIssue[]): string {
  const timezone = input.timezone ?? fallback;
  if (!isValidTimeZone(timezone))
    issues.push({ path: '/timezone', message: `unknown time zone '${timezone}'` });
  return timezone;
}

/**
 * Turns schema-valid input into a task definition: fills defaults, gives components
 * ids, checks every component against its kind and seals its secrets (a masked secret keeps
 * the previous definition's value when the owner edits and the destination is the same).
 * Throws with all issues found.
 */
export function buildDefinition(
  input: TaskCreateInput,
  context: DefinitionContext,
  previous: TaskDefinition | null = null,
  keep: SecretKeeping = 'owner-edit',
): TaskDefinition {
  const zoneIssues: FieldIssue[] = [];
  const timezone = timezoneOf(input, context.defaultTimezone, zoneIssues);
  const checkedIn = zoneIssues.length > 0 ? 'UTC' : timezone;
  const builder = new DefinitionBuilder(context, previous, keep, checkedIn);
  const triggers = (input.triggers ?? []).map((t, i) =>
    builder.component('trigger', t, `/triggers/${i}`),
  );
  const jobs = (input.jobs ?? []).map((job, i): JobComponent => {
    const condition = job.condition ?? null;
    builder.issues.push(...conditionIssues(condition, `/jobs/${i}/condition`));
    return { ...builder.component('job', job, `/jobs/${i}`), condition };
  });
  const actions = (input.actions ?? []).map((action, i): ActionComponent => ({
    ...builder.component('action', action, `/actions/${i}`),
    qualification: action.qualification ?? 'always',
  }));
  const series = input.series ? builder.component('series', input.series, '/series') : null;
  const notices = input.notices ? noticesOf(input.notices, '/notices', builder.issues) : null;
  builder.issues.push(...zoneIssues);
  if (builder.issues.length > 0) throw validationError(builder.issues);
  return {
    name: input.name.trim(),
    description: input.description ?? '',
    enabled: input.enabled ?? true,
    timezone,
    triggers,
    jobs,
    actions,
    series,
    policy: { ...DEFAULT_POLICY, ...input.policy },
    notices,
    expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
  };
}

/** A definition in the shape clients send, for merging a patch, exporting and showing. */
export function definitionToInput(definition: TaskDefinition) {
  return { ...definition, expiresAt: definition.expiresAt?.toISOString() ?? null };
}

/** The definition part of a stored task. */
export function definitionOf(task: Task): TaskDefinition {
  const {
    id: _id,
    ownerId: _owner,
    ownerLogin: _login,
    ownerName: _name,
    hidden: _hidden,
    revision: _revision,
    createdAt: _created,
    updatedAt: _updated,
    ...definition
  } = task;
  return definition;
}
