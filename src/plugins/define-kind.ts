import type { TSchema } from '@sinclair/typebox';
import type {
  ActionKind,
  ComponentKind,
  JobKind,
  SeriesKind,
  TriggerKind,
} from './component-kind.ts';

/** A kind as a plugin declares it: everything but its category, which the helper adds. */
type Declared<K> = Omit<K, 'category'>;

/**
 * The one place a kind's config type is erased, so that the registry can hold kinds of every
 * config shape alike. Sound because a kind's methods only ever receive a config its
 * configSchema accepted: the registry validates every component's config against it (and the
 * kind's check) when a task is saved, and a run changes only the text of string fields (secrets
 * opened, placeholders filled).
 */
function erased<K extends ComponentKind>(kind: object): K {
  return kind as K;
}

/** A trigger kind whose methods receive the config its configSchema describes. */
export function defineTrigger<S extends TSchema>(kind: Declared<TriggerKind<S>>): TriggerKind {
  return erased({ ...kind, category: 'trigger' });
}

/** A job kind whose methods receive the config its configSchema describes. */
export function defineJob<S extends TSchema>(kind: Declared<JobKind<S>>): JobKind {
  return erased({ ...kind, category: 'job' });
}

/** An action kind whose methods receive the config its configSchema describes. */
export function defineAction<S extends TSchema>(kind: Declared<ActionKind<S>>): ActionKind {
  return erased({ ...kind, category: 'action' });
}

/** A series source kind whose methods receive the config its configSchema describes. */
export function defineSeries<S extends TSchema>(kind: Declared<SeriesKind<S>>): SeriesKind {
  return erased({ ...kind, category: 'series' });
}
