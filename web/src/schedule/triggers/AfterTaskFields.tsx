import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api, query } from '../../api.ts';
import type { Page, Task } from '../../types.ts';
import { Field, FieldGroup } from '../../components/Field.tsx';
import { useDebounced } from '../../use-debounced.ts';
import { textOf, type TriggerFormProps } from './trigger-form-props.ts';

const PAGE_SIZE = 50;
const OUTCOMES = [
  { value: 'always', label: 'Whenever it ends', help: 'any end but skipped' },
  { value: 'success', label: 'When it succeeds', help: '' },
  {
    value: 'failure',
    label: 'When it fails',
    help: 'failed, partly failed, timed out or interrupted',
  },
] as const;

/** The first page of the user's tasks matching a search, by name. */
function useTaskChoices(search: string) {
  return useQuery({
    queryKey: ['tasks', 'after-task-picker', search],
    queryFn: () =>
      api<Page<Task>>('GET', `/tasks${query({ q: search, sort: 'name', limit: PAGE_SIZE })}`),
    staleTime: 30_000,
  });
}

/** The followed task's name when it is not among the choices (a search hides it). */
function useTaskName(taskId: string, known: boolean) {
  return useQuery({
    queryKey: ['tasks', 'after-task-picker', 'one', taskId],
    queryFn: () => api<Task>('GET', `/tasks/${encodeURIComponent(taskId)}`),
    enabled: taskId !== '' && !known,
    staleTime: 60_000,
    select: (task) => task.name,
  });
}

/** An after-task trigger: which of the user's tasks it follows, and on which outcome. */
export function AfterTaskFields({ config, issueAt, onChange }: TriggerFormProps) {
  const [search, setSearch] = useState('');
  const settledSearch = useDebounced(search.trim(), 300);
  const choices = useTaskChoices(settledSearch);
  const taskId = textOf(config, 'taskId');
  const tasks = choices.data?.items ?? [];
  const known = tasks.some((task) => task.id === taskId);
  const followedName = useTaskName(taskId, known);
  const outcome = textOf(config, 'on', 'always');
  const radioName = useId();
  return (
    <>
      <div className="after-task-pick">
        <Field label="Find a task" help="Searches names and descriptions.">
          {(control) => (
            <input
              {...control}
              type="search"
              value={search}
              onChange={(event) => setSearch(event.target.value)}
            />
          )}
        </Field>
        <Field
          label="Task to follow"
          error={issueAt('/taskId')}
          {...(choices.data?.nextCursor
            ? { help: `Showing the first ${PAGE_SIZE} by name: search to narrow them.` }
            : {})}
        >
          {(control) => (
            <select
              {...control}
              value={taskId}
              onChange={(event) => onChange({ ...config, taskId: event.target.value })}
            >
              <option value="">{choices.isPending ? 'Loading tasks…' : 'Choose a task'}</option>
              {taskId !== '' && !known && (
                <option value={taskId}>{followedName.data ?? `Task ${taskId}`}</option>
              )}
              {tasks.map((task) => (
                <option key={task.id} value={task.id}>
                  {task.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        {choices.isError && (
          <p className="field-error">Tasks could not be loaded: {choices.error.message}</p>
        )}
      </div>
      <FieldGroup legend="Start this task" error={issueAt('/on')}>
        {OUTCOMES.map((choice) => (
          <label className="check" key={choice.value}>
            <input
              type="radio"
              name={radioName}
              checked={outcome === choice.value}
              onChange={() => onChange({ ...config, on: choice.value })}
            />
            <span>
              {choice.label}
              {choice.help && <span className="muted"> ({choice.help})</span>}
            </span>
          </label>
        ))}
      </FieldGroup>
    </>
  );
}
