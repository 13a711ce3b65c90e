import type { Component, ComponentKind, Policy, Task } from '../types.ts';
import { DEFAULT_POLICY } from '../../../src/domain/task.ts';
import { browserZone } from './format.ts';
import type { NoticesDraft } from './notices-draft.ts';
import { defaultValue } from './schema/schema-shape.ts';

/** A task's policy as the editor holds it: an empty number field leaves the server default. */
export type PolicyDraft = Partial<Policy>;

/** What the editor edits and sends: a task's definition, without its server-side fields. */
export interface TaskDraft {
  name: string;
  description: string;
  enabled: boolean;
  timezone: string;
  expiresAt: string | null;
  triggers: Component[];
  jobs: Component[];
  actions: Component[];
  series: Component | null;
  policy: PolicyDraft;
  /** Its own failure notices; null: the server's default. */
  notices: NoticesDraft | null;
}

/** A new task: enabled, in the browser's zone, doing nothing yet. */
export function newDraft(): TaskDraft {
  return {
    name: '',
    description: '',
    enabled: true,
    timezone: browserZone,
    expiresAt: null,
    triggers: [],
    jobs: [],
    actions: [],
    series: null,
    policy: { ...DEFAULT_POLICY },
    notices: null,
  };
}

/** The editable part of a stored task. */
export function draftOf(task: Task): TaskDraft {
  return {
    name: task.name,
    description: task.description,
    enabled: task.enabled,
    timezone: task.timezone,
    expiresAt: task.expiresAt,
    triggers: task.triggers,
    jobs: task.jobs,
    actions: task.actions,
    series: task.series,
    policy: task.policy,
    notices: task.notices ?? null,
  };
}

/** The category word the API uses in component ids and pointers. */
export type EditableCategory = 'job' | 'action' | 'series';

/** A fresh component id in the server's style (job-3f9a1c), so the UI can key it before saving. */
export function newComponentId(category: string): string {
  const random = crypto.getRandomValues(new Uint8Array(3));
  return `${category}-${[...random].map((byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/** A new component of a kind, its config filled with the schema's defaults. */
export function newComponent(kind: ComponentKind): Component {
  const config = defaultValue(kind.configSchema);
  const component: Component = {
    id: newComponentId(kind.category),
    kind: kind.kind,
    config: isRecord(config) ? config : {},
  };
  if (kind.category === 'action') component.qualification = 'always';
  return component;
}

/** Whether a value is a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
