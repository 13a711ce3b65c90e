import { Check, FieldGroup } from '../components/Field.tsx';
import { toggled } from './list-edits.ts';
import { dateParts, WEEKDAYS } from './schedule-vocabulary.ts';
import type { ScheduleIssueAt, WeekdayCode } from './schedule-types.ts';

const ORDER = WEEKDAYS.map((day) => day.code);
const byWeek = (a: WeekdayCode, b: WeekdayCode) => ORDER.indexOf(a) - ORDER.indexOf(b);

/** The weekdays a weekly interval fires on, one checkbox per day. */
export function WeekdayChecks({
  weekdays,
  start,
  issueAt,
  onChange,
}: {
  weekdays: WeekdayCode[] | undefined;
  start: string;
  issueAt: ScheduleIssueAt;
  onChange: (weekdays: WeekdayCode[]) => void;
}) {
  const startDay = WEEKDAYS[dateParts(start).weekday]?.name;
  return (
    <FieldGroup
      legend="On"
      className="weekday-checks"
      error={issueAt('/weekdays')}
      {...(weekdays?.length
        ? {}
        : { help: `None ticked: on the start’s weekday (${startDay ?? '?'}).` })}
    >
      {WEEKDAYS.map(({ code, name }) => (
        <Check
          key={code}
          label={name}
          checked={weekdays?.includes(code) ?? false}
          onChange={(on) => onChange(toggled(weekdays, code, on, byWeek))}
        />
      ))}
    </FieldGroup>
  );
}
