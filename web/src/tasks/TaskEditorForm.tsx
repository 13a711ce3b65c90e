import { useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { ApiError } from '../api.ts';
import { ComponentsEditor } from '../components/ComponentsEditor.tsx';
import { TriggersEditor } from '../components/TriggersEditor.tsx';
import { Link } from '../router.tsx';
import type { ComponentKind, Task } from '../types.ts';
import { TaskEditorActions } from './TaskEditorActions.tsx';
import { TestRunDialog } from './TestRunDialog.tsx';
import { TaskErrorSummary } from './TaskErrorSummary.tsx';
import { TaskGeneralTab } from './TaskGeneralTab.tsx';
import { TaskHookUrls } from './TaskHookUrls.tsx';
import { TaskNoticesTab } from './TaskNoticesTab.tsx';
import { controlIdOf, tabOf, type TaskTabId } from './task-issues.ts';
import { RIGHTS_PROBLEM_ID } from './TaskGrantsEditor.tsx';
import { TaskRightsTab } from './TaskRightsTab.tsx';
import { SharedTaskNotice } from './SharedTaskNotice.tsx';
import { allows } from './task-rights.ts';
import { TabPanel, TaskTabs } from './TaskTabs.tsx';
import { useTaskEditor } from './useTaskEditor.ts';
import { useTaskGrantsDraft, type TaskGrantsDraft } from './useTaskGrantsDraft.ts';
import { useUnsavedChangesWarning } from './useUnsavedChangesWarning.ts';

const TAB_LABELS: Array<[TaskTabId, string]> = [
  ['general', 'General'],
  ['triggers', 'Triggers'],
  ['jobs', 'Jobs'],
  ['actions', 'Actions'],
  ['series', 'Series'],
  ['notices', 'Notices'],
  ['rights', 'Rights'],
];

/**
 * The task editor: tabs over the draft, saved as a whole with its rights list. A task shared at
 * view or run is shown read-only: its fields disabled and no Save.
 */
export function TaskEditorForm({ task, kinds }: { task: Task | null; kinds: ComponentKind[] }) {
  const editor = useTaskEditor(task);
  const { base, draft, error } = editor;
  const readOnly = base !== null && !allows(base.access, 'edit');
  const [tab, setTab] = useState<TaskTabId>('general');
  const grants = useTaskGrantsDraft(base);
  const summary = useRef<HTMLDivElement>(null);
  useUnsavedChangesWarning(editor.dirty || grants.dirty);

  /** Saves the task if it changed (a new one always), then the rights list if that changed. */
  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (readOnly || editor.saving || grants.saving) return;
    const taskSaved = !base || editor.dirty || !grants.dirty ? await editor.save() : true;
    if (!taskSaved) {
      requestAnimationFrame(() => summary.current?.focus());
      return;
    }
    if (grants.dirty && !(await grants.save())) {
      setTab('rights');
      requestAnimationFrame(() => document.getElementById(RIGHTS_PROBLEM_ID)?.focus());
    }
  };
  const saveShortcut = (event: KeyboardEvent) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
      event.preventDefault();
      void submit();
    }
  };
  const goTo = (path: string) => {
    const target = tabOf(path);
    if (target) setTab(target);
    requestAnimationFrame(() => document.getElementById(controlIdOf(path))?.focus());
  };
  const counts: Partial<Record<TaskTabId, number>> = {
    triggers: draft.triggers.length,
    jobs: draft.jobs.length,
    actions: draft.actions.length,
    series: draft.series ? 1 : 0,
  };
  const tabs = TAB_LABELS.map(([id, label]) => ({
    id,
    label: counts[id] ? `${label} (${counts[id]})` : label,
    hasError: error instanceof ApiError && error.issues.some((issue) => tabOf(issue.path) === id),
  }));

  return (
    <form
      className="task-editor"
      onSubmit={(event) => void submit(event)}
      onKeyDown={saveShortcut}
      noValidate
    >
      <div className="page-head">
        <h1>{base ? `Task: ${base.name}` : 'New task'}</h1>
        <nav aria-label="Task" className="page-head-links">
          <Link href="/tasks">All tasks</Link>
          {base ? <Link href={`/tasks/${encodeURIComponent(base.id)}/runs`}>History</Link> : null}
        </nav>
        {base ? <TaskEditorActions task={base} /> : null}
      </div>
      <SharedTaskNotice task={base} />
      <TaskErrorSummary
        ref={summary}
        error={error}
        onGoTo={goTo}
        onReload={() => void editor.reload()}
      />
      <TaskTabs label="Parts of the task" tabs={tabs} selected={tab} onSelect={setTab} />
      {/* Every panel stays mounted, so half-typed text survives a look at another tab. */}
      {TAB_LABELS.map(([id]) => (
        <TabPanel key={id} id={id} hidden={id !== tab}>
          {/* The Rights tab decides by itself what the caller may change there. */}
          <ReadOnlyFields readOnly={readOnly && id !== 'rights'}>
            <TaskTabContent tab={id} editor={editor} grants={grants} kinds={kinds} />
          </ReadOnlyFields>
        </TabPanel>
      ))}
      {readOnly ? null : <SaveBar editor={editor} grants={grants} kinds={kinds} />}
    </form>
  );
}

/** Disables every control inside when read-only (a disabled fieldset); otherwise just the children. */
function ReadOnlyFields({ readOnly, children }: { readOnly: boolean; children: ReactNode }) {
  if (!readOnly) return children;
  return (
    <fieldset disabled className="read-only-fields">
      {children}
    </fieldset>
  );
}

/**
 * The Save button, Test run (the draft as it stands, unsaved), whether there are unsaved changes
 * (the rights list's too), and the outcome of saving.
 */
function SaveBar({
  editor,
  grants,
  kinds,
}: {
  editor: ReturnType<typeof useTaskEditor>;
  grants: TaskGrantsDraft;
  kinds: ComponentKind[];
}) {
  const saving = editor.saving || grants.saving;
  const [testing, setTesting] = useState(false);
  const rightsFailed = grants.error ? 'The rights list was not saved: see the Rights tab.' : '';
  return (
    <div className="save-bar">
      <button type="submit" className="primary" disabled={saving}>
        {saving ? 'Saving…' : editor.base ? 'Save' : 'Create task'}
      </button>
      {editor.base ? null : (
        <label className="inline run-after-create">
          <input
            type="checkbox"
            checked={editor.runAfterCreate}
            onChange={(event) => editor.setRunAfterCreate(event.target.checked)}
          />{' '}
          Run it once when it is created
        </label>
      )}
      <button type="button" onClick={() => setTesting(true)}>
        Test run…
      </button>
      <span className="muted">{unsavedText(editor.dirty, grants.dirty, editor.base !== null)}</span>
      <span role="status" className="save-notice">
        {[editor.notice, grants.notice].filter(Boolean).join(' ')}
        {rightsFailed ? <span className="field-error"> {rightsFailed}</span> : null}
      </span>
      <TestRunDialog
        open={testing}
        draft={editor.draft}
        base={editor.base}
        kinds={kinds}
        onClose={() => setTesting(false)}
        onInvalid={editor.showRefusal}
        onRan={editor.clearRefusal}
      />
    </div>
  );
}

/** What the save bar says is not saved yet. */
function unsavedText(task: boolean, rights: boolean, saved: boolean): string {
  if (task && rights) return 'Unsaved changes, also to the rights list (Ctrl+S saves)';
  if (rights) return 'Unsaved changes to the rights list (Ctrl+S saves)';
  if (!saved) return 'Not saved yet';
  return task ? 'Unsaved changes (Ctrl+S saves)' : 'No unsaved changes';
}

/** The fields of one tab. */
function TaskTabContent({
  tab,
  editor,
  grants,
  kinds,
}: {
  tab: TaskTabId;
  editor: ReturnType<typeof useTaskEditor>;
  grants: TaskGrantsDraft;
  kinds: ComponentKind[];
}) {
  const { draft, change, issueAt } = editor;
  const shared = { kinds, issueAt };
  switch (tab) {
    case 'general':
      return <TaskGeneralTab draft={draft} onChange={change} issueAt={issueAt} />;
    case 'triggers':
      return (
        <>
          <TriggersEditor
            triggers={draft.triggers}
            onChange={(triggers) => change({ triggers })}
            timezone={draft.timezone}
            issueAt={issueAt}
          />
          <TaskHookUrls task={editor.base} />
        </>
      );
    case 'jobs':
      return (
        <ComponentsEditor
          {...shared}
          category="job"
          components={draft.jobs}
          onChange={(jobs) => change({ jobs })}
          pointerOf={(index) => `/jobs/${index}`}
        />
      );
    case 'actions':
      return (
        <ComponentsEditor
          {...shared}
          category="action"
          components={draft.actions}
          onChange={(actions) => change({ actions })}
          pointerOf={(index) => `/actions/${index}`}
          reorderable
        />
      );
    case 'series':
      return (
        <>
          <p className="muted">
            A series runs the jobs and actions once for each of its values, whose fields become
            placeholders.
          </p>
          <ComponentsEditor
            {...shared}
            category="series"
            components={draft.series ? [draft.series] : []}
            onChange={(series) => change({ series: series[0] ?? null })}
            pointerOf={() => '/series'}
            max={1}
          />
        </>
      );
    case 'notices':
      return (
        <TaskNoticesTab
          task={editor.base}
          notices={draft.notices}
          onChange={change}
          issueAt={issueAt}
        />
      );
    case 'rights':
      return (
        <TaskRightsTab task={editor.base} grants={grants} onTransferred={editor.transferred} />
      );
  }
}
