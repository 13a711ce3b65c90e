import { Type } from '@sinclair/typebox';
import type { ComponentKind } from '../../component-kind.ts';

/**
 * The time trigger: its config is a schedule object. Until the schedule module
 * defines that object fully, any JSON object is accepted and stored as given.
 */
export const timeTrigger: ComponentKind = {
  category: 'trigger',
  kind: 'time',
  title: 'Schedule',
  description: 'Starts the task at the times of a schedule',
  configSchema: Type.Record(Type.String(), Type.Unknown()),
};
