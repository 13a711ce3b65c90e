import { useId } from 'react';
import { controlProps } from '../components/Field.tsx';
import type { AccessLevel, NamedGrant } from '../types.ts';
import { GrantSubjectName } from './GrantSubjectName.tsx';
import { GrantSubjectPicker, type PickedSubject } from './GrantSubjectPicker.tsx';
import { ACCESS_LEVELS, LEVEL_DESCRIPTIONS, subjectKey } from './task-rights.ts';

/** The level a newly added entry starts at: the least. */
const FIRST_LEVEL: AccessLevel = 'view';

/** What the levels allow, once above the list. */
export function LevelLegend() {
  return (
    <ul className="level-legend muted">
      {ACCESS_LEVELS.map((level) => (
        <li key={level}>
          <strong>{level}</strong>: {LEVEL_DESCRIPTIONS[level]}
        </li>
      ))}
    </ul>
  );
}

/**
 * A rights list to edit: each entry's subject, a level select and a Remove button, and the
 * picker that adds people and groups. Errors the API named for an entry show beside it.
 */
export function GrantListEditor({
  grants,
  onChange,
  errorAt,
  excludeKeys = [],
  emptyText,
}: {
  grants: NamedGrant[];
  onChange: (grants: NamedGrant[]) => void;
  /** The API's message for the entry at the index, if any. */
  errorAt: (index: number) => string | undefined;
  /** Subjects never to offer (by subjectKey), such as the task's owner. */
  excludeKeys?: readonly string[];
  emptyText: string;
}) {
  const id = useId();
  const listed = new Set([...grants.map((grant) => subjectKey(grant.subject)), ...excludeKeys]);
  const setLevel = (index: number, level: AccessLevel) =>
    onChange(grants.map((grant, at) => (at === index ? { ...grant, level } : grant)));
  const remove = (index: number) => {
    onChange(grants.filter((_, at) => at !== index));
    // The focused button went with its entry: the picker takes the focus instead of the page.
    requestAnimationFrame(() => document.getElementById(`${id}-picker`)?.focus());
  };
  const add = (picked: PickedSubject) => onChange([...grants, { ...picked, level: FIRST_LEVEL }]);
  return (
    <>
      <LevelLegend />
      {grants.length === 0 ? <p>{emptyText}</p> : null}
      <ul className="grant-list">
        {grants.map((grant, index) => {
          const controlId = `${id}-level-${index}`;
          const error = errorAt(index);
          return (
            <li key={subjectKey(grant.subject)} className={error ? 'grant-has-error' : undefined}>
              <GrantSubjectName {...grant} />
              <label htmlFor={controlId} className="visually-hidden">
                Level for {grant.name}
              </label>
              <select
                {...controlProps(controlId, false, error)}
                value={grant.level}
                onChange={(event) => setLevel(index, event.target.value as AccessLevel)}
              >
                {ACCESS_LEVELS.map((level) => (
                  <option key={level} value={level}>
                    {level}
                  </option>
                ))}
              </select>
              <button type="button" onClick={() => remove(index)}>
                Remove<span className="visually-hidden"> {grant.name}</span>
              </button>
              {error ? (
                <span id={`${controlId}-error`} className="field-error">
                  {grant.name} {error}
                </span>
              ) : null}
            </li>
          );
        })}
      </ul>
      <GrantSubjectPicker id={`${id}-picker`} exclude={listed} onPick={add} />
    </>
  );
}
