/** What each trigger kind's form gets: its config, the API's messages about it, and a setter. */
export interface TriggerFormProps {
  config: Record<string, unknown>;
  /** The message for a field of the config by JSON pointer (e.g. /taskId). */
  issueAt: (path: string) => string | undefined;
  onChange: (config: Record<string, unknown>) => void;
}

/** A config field as text ('' when absent or not text). */
export function textOf(config: Record<string, unknown>, name: string, fallback = ''): string {
  const value = config[name];
  return typeof value === 'string' ? value : fallback;
}
