import { useRef, useState, type KeyboardEvent } from 'react';
import type { ComponentKind } from '../types.ts';

/** The text ended by a full stop, if it ends without one (plugins' descriptions may). */
const asSentence = (text: string) => (/[.!?…]$/.test(text.trim()) ? text : `${text.trim()}.`);

/** The kinds of a category to add from; kinds the user may not use are shown, disabled, with the permission they need. */
export function ComponentKindPicker(props: {
  kinds: ComponentKind[];
  noun: string;
  onAdd: (kind: ComponentKind) => void;
}) {
  const { kinds, noun, onAdd } = props;
  const [open, setOpen] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const listId = `add-${noun.replace(/\s+/g, '-')}-kinds`;
  const close = () => {
    setOpen(false);
    toggle.current?.focus();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    close();
  };
  return (
    <div className="kind-picker" onKeyDown={onKeyDown}>
      <button
        type="button"
        ref={toggle}
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen(!open)}
      >
        Add {/^[aeiou]/.test(noun) ? 'an' : 'a'} {noun}…
      </button>
      {open ? (
        <ul id={listId} className="kind-list" aria-label={`Kinds of ${noun}`}>
          {kinds.map((kind) => (
            <li key={kind.kind}>
              <button
                type="button"
                disabled={!kind.allowed}
                aria-describedby={`${listId}-${kind.kind}`}
                onClick={() => {
                  onAdd(kind);
                  setOpen(false);
                }}
              >
                {kind.title}
              </button>
              <p id={`${listId}-${kind.kind}`} className="muted">
                {asSentence(kind.description)}
                {kind.allowed ? null : (
                  <strong className="kind-denied">
                    {' '}
                    You cannot use it: it needs the permission <code>{kind.permission}</code>.
                  </strong>
                )}
              </p>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
