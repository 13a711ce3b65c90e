import type { ComponentRegistry } from '../registry.ts';
import { timeTrigger } from './triggers/time.ts';

/** Registers the component kinds that ship with Task Planner. */
export function registerBuiltins(registry: ComponentRegistry): void {
  registry.register(timeTrigger);
}
