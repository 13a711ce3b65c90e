import type { TSchema } from '@sinclair/typebox';
import type { FieldIssue } from '../domain/errors.ts';
import type { ComponentCategory } from '../domain/task.ts';

/** A kind of trigger, job, action or series source that a plugin contributes. */
export interface ComponentKind {
  category: ComponentCategory;
  /** Unique within its category, e.g. "time" or "email". */
  kind: string;
  title: string;
  description: string;
  /** JSON Schema of the component's config: the API validates with it, the UI renders a form from it. */
  configSchema: TSchema;
  /** The permission a task's owner needs to use this kind, if any. */
  permission?: string;
  /** Checks what a schema cannot (a time zone exists, a cron expression parses); issues under path. */
  check?: (config: unknown, path: string) => FieldIssue[];
}
