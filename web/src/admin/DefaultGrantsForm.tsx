import { useState, type FormEvent } from 'react';
import { useDirectory } from '../tasks/grant-queries.ts';
import { GrantListEditor } from '../tasks/GrantListEditor.tsx';
import { subjectKey } from '../tasks/task-rights.ts';
import type { Directory, NamedGrant, TaskGrant } from '../types.ts';
import { fieldError, formError } from './form-errors.ts';
import { useSaveSettings } from './use-settings.ts';

type Names = ReadonlyMap<string, Pick<NamedGrant, 'name' | 'login'>>;

/** The names the directory knows, by subjectKey. */
function namesOf(directory: Directory | undefined): Names {
  const names = new Map<string, Pick<NamedGrant, 'name' | 'login'>>();
  for (const user of directory?.users ?? []) {
    names.set(`user:${user.id}`, { name: user.displayName, login: user.login });
  }
  for (const group of directory?.groups ?? []) {
    names.set(`group:${group.id}`, { name: group.name, login: null });
  }
  return names;
}

/**
 * The stored list with a name for each entry. The setting keeps only ids, and the directory
 * answers with its first users; one it did not name shows its id.
 */
function named(grants: readonly TaskGrant[], names: Names): NamedGrant[] {
  return grants.map((grant) => {
    const known = names.get(subjectKey(grant.subject));
    return {
      ...grant,
      ...(known ?? { name: `${grant.subject.type} ${grant.subject.id}`, login: null }),
    };
  });
}

/** "Rights of new tasks" (the setting newTaskGrants), once the directory has named its entries. */
export function DefaultGrantsForm({ grants }: { grants: TaskGrant[] }) {
  const directory = useDirectory('');
  if (directory.isPending) return <p className="loading">Loading the rights of new tasks…</p>;
  return <DefaultGrantsEditor initial={named(grants, namesOf(directory.data))} />;
}

/** The rights list every new task (also a copy or an import) starts with; its owner can change it. */
function DefaultGrantsEditor({ initial }: { initial: NamedGrant[] }) {
  const save = useSaveSettings();
  const [draft, setDraft] = useState(initial);
  const [saved, setSaved] = useState('');
  const change = (grants: NamedGrant[]) => {
    // Entries added or removed move the indexes the API's messages point at.
    if (grants.length !== draft.length) save.reset();
    setDraft(grants);
    setSaved('');
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved('');
    const newTaskGrants = draft.map(({ subject, level }) => ({ subject, level }));
    save.mutate(
      { newTaskGrants },
      {
        onSuccess: (settings) => {
          const names = new Map(draft.map((grant) => [subjectKey(grant.subject), grant]));
          setDraft(named(settings.newTaskGrants, names));
          setSaved('The rights of new tasks are saved.');
        },
      },
    );
  };
  const paths = draft.map((_, index) => `/newTaskGrants/${index}`);
  const problem = formError(save.error, paths);
  return (
    <form className="card" onSubmit={submit} aria-labelledby="new-task-grants-heading">
      <h2 id="new-task-grants-heading">Rights of new tasks</h2>
      <p className="muted">
        Every new task, copies and imports included, starts with this rights list; its owner can
        change it afterwards. An entry naming the owner is left out of their tasks.
      </p>
      <GrantListEditor
        grants={draft}
        onChange={change}
        errorAt={(index) => fieldError(save.error, `/newTaskGrants/${index}`)}
        emptyText="New tasks start shared with nobody."
      />
      {problem && <p role="alert">{problem}</p>}
      <p role="status">{saved}</p>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save the rights of new tasks
        </button>
      </div>
    </form>
  );
}
