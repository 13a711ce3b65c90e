import { useRef, useState } from 'react';
import { ComponentCard } from '../tasks/ComponentCard.tsx';
import { ComponentKindPicker } from '../tasks/ComponentKindPicker.tsx';
import { newComponent, newComponentId, type EditableCategory } from '../tasks/task-draft.ts';
import type { Component, ComponentKind } from '../types.ts';

/** Props of the editor of a task's jobs, actions or series. */
export interface ComponentsEditorProps {
  category: EditableCategory;
  components: Component[];
  onChange: (components: Component[]) => void;
  /** Every kind the server knows; this editor offers those of its category. */
  kinds: ComponentKind[];
  /** The JSON pointer of the component at an index: /jobs/0, or /series for the one series. */
  pointerOf: (index: number) => string;
  issueAt: (path: string) => string | undefined;
  /** The most components allowed (the series: 1). */
  max?: number;
  /** Whether the order matters (actions run in order). */
  reorderable?: boolean;
}

const NOUNS: Record<EditableCategory, string> = {
  job: 'job',
  action: 'action',
  series: 'series source',
};

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * Keys that stay with each component while it is edited (even its id), moved and removed,
 * so React keeps each card's fields and focus.
 */
function useStableKeys(components: Component[]) {
  const keys = useRef<string[]>([]);
  if (keys.current.length !== components.length) {
    keys.current = components.map((component) => component.id ?? newComponentId('key'));
  }
  return keys;
}

/** A task's components of one category: add one by kind, edit its config, reorder, remove. */
export function ComponentsEditor(props: ComponentsEditorProps) {
  const {
    category,
    components,
    onChange,
    kinds,
    pointerOf,
    issueAt,
    max,
    reorderable = false,
  } = props;
  const keys = useStableKeys(components);
  const [added, setAdded] = useState<string | null>(null);
  const heading = useRef<HTMLParagraphElement>(null);
  const noun = NOUNS[category];
  const ofCategory = kinds.filter((kind) => kind.category === category);

  const add = (kind: ComponentKind) => {
    const component = newComponent(kind);
    keys.current = [...keys.current, component.id ?? newComponentId('key')];
    setAdded(keys.current.at(-1) ?? null);
    onChange([...components, component]);
  };
  const remove = (index: number) => {
    keys.current = keys.current.filter((_, at) => at !== index);
    onChange(components.filter((_, at) => at !== index));
    heading.current?.focus();
  };
  const move = (index: number, delta: -1 | 1) => {
    const swap = <T,>(list: T[]) =>
      list.map(
        (item, at) =>
          (at === index ? list[index + delta] : at === index + delta ? list[index] : item) as T,
      );
    const key = keys.current[index];
    keys.current = swap(keys.current);
    onChange(swap(components));
    requestAnimationFrame(() =>
      document.getElementById(`move-${key}-${delta < 0 ? 'up' : 'down'}`)?.focus(),
    );
  };
  const change = (index: number, component: Component) =>
    onChange(components.map((item, at) => (at === index ? component : item)));

  return (
    <div className="components-editor">
      <p ref={heading} tabIndex={-1} className="muted components-count">
        {components.length === 0
          ? `No ${noun} yet.`
          : `${components.length} ${noun}${components.length === 1 || category === 'series' ? '' : 's'}.`}
      </p>
      {components.map((component, index) => (
        <ComponentCard
          key={keys.current[index]}
          domKey={keys.current[index] ?? String(index)}
          category={category}
          component={component}
          kind={ofCategory.find((kind) => kind.kind === component.kind)}
          title={max === 1 ? capitalized(noun) : `${capitalized(noun)} ${index + 1}`}
          pointer={pointerOf(index)}
          issueAt={issueAt}
          onChange={(next) => change(index, next)}
          onRemove={() => remove(index)}
          onMove={reorderable ? (delta) => move(index, delta) : undefined}
          isFirst={index === 0}
          isLast={index === components.length - 1}
          focusOnMount={added === keys.current[index]}
        />
      ))}
      {max !== undefined && components.length >= max ? null : (
        <ComponentKindPicker kinds={ofCategory} noun={noun} onAdd={add} />
      )}
    </div>
  );
}
