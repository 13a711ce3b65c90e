import { fieldId } from './schema/schema-shape.ts';

/** The editor's tabs. */
export type TaskTabId =
  'general' | 'triggers' | 'jobs' | 'actions' | 'series' | 'notices' | 'rights';

const GENERAL_FIELDS: Record<string, string> = {
  name: 'task-name',
  description: 'task-description',
  enabled: 'task-enabled',
  timezone: 'task-timezone',
  expiresAt: 'task-expires',
};

/** The tab holding the field at a JSON pointer; null for what no tab shows (a header, say). */
export function tabOf(path: string): TaskTabId | null {
  const first = path.split('/')[1] ?? '';
  if (first in GENERAL_FIELDS || first === 'policy') return 'general';
  if (first === 'triggers' || first === 'jobs' || first === 'actions' || first === 'series')
    return first;
  if (first === 'notices') return 'notices';
  return null;
}

/** The DOM id of the control for a JSON pointer, to take the user there. */
export function controlIdOf(path: string): string {
  const [, first = '', second = ''] = path.split('/');
  if (first === 'policy') return `policy-${second}`;
  // The events are checkboxes: the first of them; the rest have a control of their own.
  if (first === 'notices' && second === 'on') return `${fieldId('/notices/on')}-0`;
  if (first === 'notices' && path === '/notices') return 'notices-mode-default';
  return GENERAL_FIELDS[first] ?? fieldId(path);
}
