import { useRef, useState } from 'react';
import { AddTrigger } from '../schedule/triggers/AddTrigger.tsx';
import { defaultConfig, useTriggerKinds } from '../schedule/triggers/trigger-kinds.ts';
import { TriggerCard } from '../schedule/triggers/TriggerCard.tsx';
import { useComponentKeys } from '../schedule/triggers/use-component-keys.ts';
import type { Component, ComponentKind } from '../types.ts';
import '../schedule/schedule.css';

/** What the Triggers tab of the task editor gives the triggers editor. */
export interface TriggersEditorProps {
  triggers: Component[];
  onChange: (triggers: Component[]) => void;
  /** The task's time zone (schedules without their own zone use it). */
  timezone: string;
  /** The API's message for a field by JSON pointer, e.g. /triggers/0/config/intervals/0/every. */
  issueAt: (path: string) => string | undefined;
}

/** The triggers of a task: what starts it. Each can be added, edited and removed. */
export function TriggersEditor({ triggers, onChange, timezone, issueAt }: TriggersEditorProps) {
  const kinds = useTriggerKinds();
  const { keyOf, carry } = useComponentKeys();
  const [added, setAdded] = useState<Component | null>(null);
  const addArea = useRef<HTMLDivElement>(null);
  const add = (kind: ComponentKind) => {
    const trigger: Component = { kind: kind.kind, config: defaultConfig(kind, timezone) };
    setAdded(trigger);
    onChange([...triggers, trigger]);
  };
  const replace = (index: number, next: Component) => {
    const old = triggers[index];
    if (old) carry(old, next);
    onChange(triggers.map((trigger, at) => (at === index ? next : trigger)));
  };
  const remove = (index: number) => {
    onChange(triggers.filter((_trigger, at) => at !== index));
    // The removed card held the focus: leave it somewhere useful.
    addArea.current?.querySelector('select')?.focus();
  };
  return (
    <div className="triggers-editor">
      {triggers.length === 0 && (
        <p className="muted">
          No triggers: the task starts only when someone starts it (here or through the API).
        </p>
      )}
      {triggers.map((trigger, index) => (
        <TriggerCard
          key={keyOf(trigger)}
          trigger={trigger}
          number={index + 1}
          kind={kinds.data?.find((kind) => kind.kind === trigger.kind)}
          taskZone={timezone}
          issueAt={(path) => issueAt(`/triggers/${index}${path}`)}
          focusOnMount={trigger === added}
          onChange={(next) => replace(index, next)}
          onRemove={() => remove(index)}
        />
      ))}
      <div ref={addArea}>
        {kinds.isPending && <p className="muted">Loading the kinds of trigger…</p>}
        {kinds.isError && (
          <p className="field-error">
            The kinds of trigger could not be loaded: {kinds.error.message}
          </p>
        )}
        {kinds.data && <AddTrigger kinds={kinds.data} onAdd={add} />}
      </div>
    </div>
  );
}
