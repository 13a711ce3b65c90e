import { useEffect, useRef, useState, type FormEvent } from 'react';
import { fieldError, formError } from './form-errors.ts';
import { TextField } from '../components/TextField.tsx';
import { useSaveSettings } from './use-settings.ts';

/** The folders tasks may read, write and watch: a list to edit, saved as a whole. */
export function FolderRootsForm({ roots }: { roots: string[] }) {
  const save = useSaveSettings();
  const [draft, setDraft] = useState(roots);
  const [saved, setSaved] = useState('');
  const list = useRef<HTMLUListElement>(null);
  const [added, setAdded] = useState(0);
  // A folder just added gets the focus, so the keyboard can type it at once.
  useEffect(() => {
    if (added > 0) list.current?.querySelector<HTMLInputElement>('li:last-child input')?.focus();
  }, [added]);
  const change = (index: number, value: string) =>
    setDraft((current) => current.map((root, at) => (at === index ? value : root)));
  const remove = (index: number) => setDraft((current) => current.filter((_, at) => at !== index));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved('');
    const folderRoots = draft.map((root) => root.trim()).filter(Boolean);
    save.mutate(
      { folderRoots },
      {
        onSuccess: (settings) => {
          setDraft(settings.folderRoots);
          setSaved('The folders are saved.');
        },
      },
    );
  };
  const problem = formError(
    save.error,
    draft.map((_, index) => `/folderRoots/${index}`),
  );
  return (
    <form className="card" onSubmit={submit} aria-labelledby="folders-heading">
      <h2 id="folders-heading">Allowed folders</h2>
      <p className="muted">
        Absolute folders tasks may read, write and watch, with everything below them.
      </p>
      {draft.length === 0 && <p>No folder is allowed.</p>}
      <ul className="list-editor" ref={list}>
        {draft.map((root, index) => (
          <li key={index}>
            <TextField
              label={`Folder ${index + 1}`}
              value={root}
              onChange={(value) => change(index, value)}
              error={fieldError(save.error, `/folderRoots/${index}`)}
              placeholder="/srv/exports"
            />
            <button type="button" onClick={() => remove(index)} className="align-end">
              Remove<span className="visually-hidden"> folder {index + 1}</span>
            </button>
          </li>
        ))}
      </ul>
      {problem && <p role="alert">{problem}</p>}
      <p role="status">{saved}</p>
      <div className="actions">
        <button
          type="button"
          onClick={() => {
            setDraft((current) => [...current, '']);
            setAdded((count) => count + 1);
          }}
        >
          Add a folder
        </button>
        <button type="submit" className="primary" disabled={save.isPending}>
          Save folders
        </button>
      </div>
    </form>
  );
}
