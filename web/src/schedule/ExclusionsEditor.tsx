import { Field } from '../components/Field.tsx';
import { removedAt, replacedAt } from './list-edits.ts';
import type { CalendarExclusion, Exclusion, ScheduleIssueAt } from './schedule-types.ts';
import { ordinal } from './ordinal.ts';

/** The dates, date ranges and holiday calendars on which the schedule does not fire. */
export function ExclusionsEditor({
  exclude,
  start,
  issueAt,
  onChange,
}: {
  exclude: Exclusion[];
  start: string;
  issueAt: ScheduleIssueAt;
  onChange: (exclude: Exclusion[]) => void;
}) {
  const firstDay = start.slice(0, 10);
  return (
    <fieldset className="group exclusions">
      <legend>Excluded dates</legend>
      {exclude.length === 0 && (
        <p className="muted">None: the schedule fires on every day it names.</p>
      )}
      {exclude.map((entry, index) => (
        <div className="exclusion-row" key={index}>
          <ExclusionFields
            entry={entry}
            number={index + 1}
            issueAt={(path) => issueAt(`/exclude/${index}${path}`)}
            onChange={(next) => onChange(replacedAt(exclude, index, next))}
          />
          <button
            type="button"
            aria-label={`Remove the ${ordinal(index + 1)} exclusion`}
            onClick={() => onChange(removedAt(exclude, index))}
          >
            Remove
          </button>
        </div>
      ))}
      <div className="button-row">
        <button type="button" onClick={() => onChange([...exclude, firstDay])}>
          Exclude a date
        </button>
        <button
          type="button"
          onClick={() => onChange([...exclude, { from: firstDay, to: firstDay }])}
        >
          Exclude a range of dates
        </button>
        <button type="button" onClick={() => onChange([...exclude, { calendar: { file: '' } }])}>
          Exclude the days of a calendar
        </button>
      </div>
    </fieldset>
  );
}

function ExclusionFields({
  entry,
  number,
  issueAt,
  onChange,
}: {
  entry: Exclusion;
  number: number;
  issueAt: ScheduleIssueAt;
  onChange: (entry: Exclusion) => void;
}) {
  if (typeof entry === 'object' && 'calendar' in entry) {
    return <CalendarFields entry={entry} number={number} issueAt={issueAt} onChange={onChange} />;
  }
  if (typeof entry === 'string') {
    return (
      <Field label={`Excluded date ${number}`} error={issueAt('')}>
        {(control) => (
          <input
            {...control}
            type="date"
            value={entry}
            onChange={(event) => onChange(event.target.value)}
          />
        )}
      </Field>
    );
  }
  return (
    <>
      <Field
        label={
          <>
            From<span className="visually-hidden"> (excluded range {number})</span>
          </>
        }
        error={issueAt('/from')}
      >
        {(control) => (
          <input
            {...control}
            type="date"
            value={entry.from}
            onChange={(event) => onChange({ ...entry, from: event.target.value })}
          />
        )}
      </Field>
      <Field
        label={
          <>
            To, included<span className="visually-hidden"> (excluded range {number})</span>
          </>
        }
        error={issueAt('/to')}
      >
        {(control) => (
          <input
            {...control}
            type="date"
            value={entry.to}
            onChange={(event) => onChange({ ...entry, to: event.target.value })}
          />
        )}
      </Field>
    </>
  );
}

/** A holiday calendar: where it is read from (a file or an https:// feed), and its filter. */
function CalendarFields({
  entry,
  number,
  issueAt,
  onChange,
}: {
  entry: CalendarExclusion;
  number: number;
  issueAt: ScheduleIssueAt;
  onChange: (entry: CalendarExclusion) => void;
}) {
  const isFile = 'file' in entry.calendar;
  const where = 'file' in entry.calendar ? entry.calendar.file : entry.calendar.url;
  const hidden = <span className="visually-hidden"> (excluded calendar {number})</span>;
  return (
    <>
      <Field label={<>Calendar from{hidden}</>}>
        {(control) => (
          <select
            {...control}
            value={isFile ? 'file' : 'url'}
            onChange={(event) =>
              onChange({
                ...entry,
                calendar: event.target.value === 'file' ? { file: '' } : { url: '' },
              })
            }
          >
            <option value="file">a file</option>
            <option value="url">an https:// feed</option>
          </select>
        )}
      </Field>
      <Field
        label={
          <>
            {isFile ? 'File (.ics)' : 'URL'}
            {hidden}
          </>
        }
        help={isFile ? 'An absolute path inside the allowed folders' : undefined}
        error={issueAt(isFile ? '/calendar/file' : '/calendar/url')}
      >
        {(control) => (
          <input
            {...control}
            className="mono"
            value={where}
            placeholder={isFile ? '/srv/calendars/holidays.ics' : 'https://…/holidays.ics'}
            onChange={(event) =>
              onChange({
                ...entry,
                calendar: isFile ? { file: event.target.value } : { url: event.target.value },
              })
            }
          />
        )}
      </Field>
      <Field label={<>Only events containing{hidden}</>} error={issueAt('/filter')}>
        {(control) => (
          <input
            {...control}
            value={entry.filter ?? ''}
            placeholder="every event"
            onChange={(event) => {
              const { filter: _previous, ...rest } = entry;
              onChange(event.target.value === '' ? rest : { ...rest, filter: event.target.value });
            }}
          />
        )}
      </Field>
    </>
  );
}
