import { useRef, useState, type KeyboardEvent } from 'react';
import { Field } from '../components/Field.tsx';
import type { Directory, NamedGrant } from '../types.ts';
import { useDebounced } from '../use-debounced.ts';
import { useDirectory } from './grant-queries.ts';
import { SubjectType } from './GrantSubjectName.tsx';
import { subjectKey } from './task-rights.ts';

/** A user or group the picker offers: its subject and the names to show. */
export type PickedSubject = Omit<NamedGrant, 'level'>;

/** The directory's users and groups as one list, without those to leave out. */
function matchesOf(directory: Directory | undefined, exclude: ReadonlySet<string>) {
  if (!directory) return [];
  const users = directory.users.map(({ id, login, displayName }): PickedSubject => ({
    subject: { type: 'user', id },
    name: displayName,
    login,
  }));
  const groups = directory.groups.map(({ id, name }): PickedSubject => ({
    subject: { type: 'group', id },
    name,
    login: null,
  }));
  return [...users, ...groups].filter((match) => !exclude.has(subjectKey(match.subject)));
}

function summaryOf(text: string, count: number, settled: boolean): string {
  if (text === '' || !settled) return '';
  if (count === 0) return `Nobody matches “${text}”.`;
  return count === 1 ? 'One match.' : `${count} matches.`;
}

/**
 * "Add people or groups": a search box over the directory (GET /directory, debounced) and a
 * button per matching user or group. Enter in the box adds the only match, and never submits
 * the form around it.
 */
export function GrantSubjectPicker({
  id,
  exclude,
  onPick,
}: {
  id: string;
  /** Subjects (by subjectKey) not to offer: those listed already, and the owner. */
  exclude: ReadonlySet<string>;
  onPick: (picked: PickedSubject) => void;
}) {
  const [text, setText] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const wanted = text.trim();
  const searched = useDebounced(wanted);
  const directory = useDirectory(searched, searched !== '');
  const matches = wanted === '' ? [] : matchesOf(directory.data, exclude);
  const settled = searched === wanted && !directory.isFetching;

  const pick = (picked: PickedSubject) => {
    onPick(picked);
    setText('');
    // The button that had the focus is gone with the matches: back to the box, for the next.
    input.current?.focus();
  };
  const enter = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    const [only, ...more] = matches;
    if (only && more.length === 0 && settled) pick(only);
  };

  return (
    <div className="grant-picker">
      <Field id={id} label="Add people or groups" help="Type part of a name or login.">
        {(control) => (
          <input
            {...control}
            ref={input}
            type="search"
            autoComplete="off"
            value={text}
            onChange={(event) => setText(event.target.value)}
            onKeyDown={enter}
          />
        )}
      </Field>
      {directory.isError && wanted !== '' ? (
        <p role="alert">The directory cannot be searched: {directory.error.message}</p>
      ) : null}
      <p role="status" className="muted grant-picker-status">
        {summaryOf(wanted, matches.length, settled)}
      </p>
      {matches.length > 0 ? (
        <ul className="grant-matches" aria-label="Matching people and groups">
          {matches.map((match) => (
            <li key={subjectKey(match.subject)}>
              <button type="button" onClick={() => pick(match)}>
                Add <SubjectType type={match.subject.type} /> {match.name}
                {match.login && match.login !== match.name ? (
                  <span className="muted"> ({match.login})</span>
                ) : null}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
