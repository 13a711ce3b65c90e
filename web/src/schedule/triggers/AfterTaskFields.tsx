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

/** A followed task's name (it may be outside the choices a search shows). */
function useTaskName(taskId: string) {
  return useQuery({
    queryKey: ['tasks', 'after-task-picker', 'one', taskId],
    queryFn: () => api<Task>('GET', `/tasks/${encodeURIComponent(taskId)}`),
    staleTime: 60_000,
    retry: false,
    select: (task) => task.name,
  });
}

/** The tasks a config follows: taskId and taskIds together, each once. */
function followedIds(config: Record<string, unknown>): string[] {
  const one = textOf(config, 'taskId');
  const several = Array.isArray(config.taskIds)
    ? config.taskIds.filter((id): id is string => typeof id === 'string')
    : [];
  return [...new Set([...(one ? [one] : []), ...several])];
}

/** The config with these tasks followed: one as taskId, several as taskIds. */
function withFollowed(config: Record<string, unknown>, ids: readonly string[]) {
  const { taskId: _one, taskIds: _several, ...rest } = config;
  if (ids.length === 0) return rest;
  return ids.length === 1 ? { ...rest, taskId: ids[0] } : { ...rest, taskIds: [...ids] };
}

/** One followed task in the list, by name, with a button to stop following it. */
function FollowedTask({ taskId, onRemove }: { taskId: string; onRemove: () => void }) {
  const name = useTaskName(taskId);
  const shown = name.data ?? (name.isError ? `a task that is gone (${taskId})` : 'Loading…');
  return (
    <li>
      <span className="wrap">{shown}</span>{' '}
      <button type="button" onClick={onRemove} aria-label={`Stop following ${shown}`}>
        Remove
      </button>
    </li>
  );
}

/** An after-task trigger: which of the user's tasks it follows, any or all, on which outcome. */
export function AfterTaskFields({ config, issueAt, onChange }: TriggerFormProps) {
  const [search, setSearch] = useState('');
  const settledSearch = useDebounced(search.trim(), 300);
  const choices = useTaskChoices(settledSearch);
  const followed = followedIds(config);
  const tasks = (choices.data?.items ?? []).filter((task) => !followed.includes(task.id));
  const outcome = textOf(config, 'on', 'always');
  const mode = textOf(config, 'mode', 'any');
  const windowMinutes = typeof config.windowMinutes === 'number' ? config.windowMinutes : '';
  const radioName = useId();
  const modeName = useId();
  const follow = (ids: readonly string[]) => onChange(withFollowed(config, ids));
  return (
    <>
      {followed.length > 0 ? (
        <FieldGroup legend="Tasks it follows" error={issueAt('/taskId') ?? issueAt('/taskIds')}>
          <ul className="followed-tasks">
            {followed.map((id) => (
              <FollowedTask
                key={id}
                taskId={id}
                onRemove={() => follow(followed.filter((each) => each !== id))}
              />
            ))}
          </ul>
        </FieldGroup>
      ) : null}
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
          label={followed.length === 0 ? 'Task to follow' : 'Also follow'}
          {...(followed.length === 0 ? { error: issueAt('/taskId') } : {})}
          {...(choices.data?.nextCursor
            ? { help: `Showing the first ${PAGE_SIZE} by name: search to narrow them.` }
            : {})}
        >
          {(control) => (
            <select
              {...control}
              value=""
              onChange={(event) => {
                if (event.target.value) follow([...followed, event.target.value]);
              }}
            >
              <option value="">{choices.isPending ? 'Loading tasks…' : 'Choose a task'}</option>
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
      {followed.length > 1 ? (
        <FieldGroup legend="With several tasks" error={issueAt('/mode')}>
          <label className="check">
            <input
              type="radio"
              name={modeName}
              checked={mode !== 'all'}
              onChange={() => onChange({ ...config, mode: 'any' })}
            />
            <span>Start this task each time any of them ends</span>
          </label>
          <label className="check">
            <input
              type="radio"
              name={modeName}
              checked={mode === 'all'}
              onChange={() => onChange({ ...config, mode: 'all' })}
            />
            <span>Start it once all of them have ended</span>
          </label>
          {mode === 'all' ? (
            <Field
              label="All within (minutes)"
              help="How long ago the end of each may be, and it must be after this task last ran from this trigger. Empty: 1440 (a day)."
              error={issueAt('/windowMinutes')}
            >
              {(control) => (
                <input
                  {...control}
                  type="number"
                  min={1}
                  max={10080}
                  value={windowMinutes}
                  onChange={(event) => {
                    const { windowMinutes: _old, ...rest } = config;
                    const typed = event.target.value;
                    onChange(typed === '' ? rest : { ...rest, windowMinutes: Number(typed) });
                  }}
                />
              )}
            </Field>
          ) : null}
        </FieldGroup>
      ) : null}
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
