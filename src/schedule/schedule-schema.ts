import { Type, type Static } from '@sinclair/typebox';

/** The largest "every N" accepted. */
export const MAX_EVERY = 1_000_000;

/** Years 1970 to 9999: a scheduler has no use for earlier ones, whose zones used odd local mean times. */
const YEAR = '(19[7-9]\\d|[2-9]\\d{3})';
const LocalDateTime = Type.String({
  pattern: `^${YEAR}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?$`,
  description: 'a wall-clock date and time from 1970 on, e.g. 2026-01-05T09:00',
});
const LocalDate = Type.String({
  pattern: `^${YEAR}-\\d{2}-\\d{2}$`,
  description: 'a date from 1970 on, e.g. 2026-12-24',
});
const TimeOfDay = Type.String({
  pattern: '^\\d{2}:\\d{2}(:\\d{2})?$',
  description: 'a time of day, e.g. 09:00',
});
const Every = (unit: string) =>
  Type.Optional(
    Type.Integer({ minimum: 1, maximum: MAX_EVERY, description: `Every N ${unit} (default 1)` }),
  );
const WeekdayCode = Type.Union(
  ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'].map((day) => Type.Literal(day)),
);
const NthWeekday = Type.Object(
  {
    weekday: WeekdayCode,
    nth: Type.Integer({
      minimum: -5,
      maximum: 5,
      not: { const: 0 },
      description: '1 = first, -1 = last',
    }),
  },
  { additionalProperties: false },
);

/** When in a day a calendar interval fires: listed times, or a repetition within a window. */
const timesOfDay = {
  times: Type.Optional(
    Type.Array(TimeOfDay, {
      minItems: 1,
      maxItems: 100,
      description: 'Default: the time of start',
    }),
  ),
  repeat: Type.Optional(
    Type.Object(
      {
        every: Type.Integer({ minimum: 1, maximum: 1440 }),
        unit: Type.Union([Type.Literal('minutes'), Type.Literal('hours')]),
        from: TimeOfDay,
        until: TimeOfDay,
      },
      { additionalProperties: false, description: 'e.g. every 2 hours from 08:00 to 18:00' },
    ),
  ),
};

const daysOfMonth = {
  months: Type.Optional(
    Type.Array(Type.Integer({ minimum: 1, maximum: 12 }), { minItems: 1, maxItems: 12 }),
  ),
  days: Type.Optional(
    Type.Array(Type.Integer({ minimum: -31, maximum: 31, not: { const: 0 } }), {
      minItems: 1,
      maxItems: 62,
      description: 'Days of the month; -1 is the last. A day a month lacks is skipped.',
    }),
  ),
  weekdays: Type.Optional(
    Type.Array(NthWeekday, {
      minItems: 1,
      maxItems: 35,
      description: 'e.g. the first Monday, the last Friday',
    }),
  ),
};

const strict = { additionalProperties: false } as const;

const intervalKinds = [
  Type.Object({ kind: Type.Literal('minutes'), every: Every('minutes') }, strict),
  Type.Object({ kind: Type.Literal('hours'), every: Every('hours') }, strict),
  Type.Object({ kind: Type.Literal('days'), every: Every('days'), ...timesOfDay }, strict),
  Type.Object(
    {
      kind: Type.Literal('weeks'),
      every: Every('weeks'),
      weekdays: Type.Optional(Type.Array(WeekdayCode, { minItems: 1, maxItems: 7 })),
      ...timesOfDay,
    },
    strict,
  ),
  Type.Object(
    { kind: Type.Literal('months'), every: Every('months'), ...daysOfMonth, ...timesOfDay },
    strict,
  ),
  Type.Object(
    { kind: Type.Literal('years'), every: Every('years'), ...daysOfMonth, ...timesOfDay },
    strict,
  ),
  Type.Object({ kind: Type.Literal('once'), at: LocalDateTime }, strict),
  Type.Object(
    {
      kind: Type.Literal('cron'),
      expression: Type.String({
        minLength: 1,
        maxLength: 200,
        description: '5 or 6 fields (seconds first)',
      }),
    },
    strict,
  ),
  Type.Object(
    {
      kind: Type.Literal('rrule'),
      rrule: Type.String({ minLength: 1, maxLength: 2000, description: 'An RFC 5545 RRULE value' }),
    },
    strict,
  ),
];
export type IntervalInput = Static<ReturnType<typeof Type.Union<typeof intervalKinds>>>;

/**
 * One way a schedule fires; a schedule fires at the union of its intervals. The kind
 * is a discriminator, so a mistake is reported against its own kind's fields only.
 */
export const IntervalSchema = Type.Unsafe<IntervalInput>({
  type: 'object',
  required: ['kind'],
  discriminator: { propertyName: 'kind' },
  oneOf: intervalKinds,
});

/** An iCalendar file as a source (of holidays, or of a calendar trigger's events). */
export const CalendarFileSource = Type.Object(
  {
    file: Type.String({
      minLength: 1,
      maxLength: 4096,
      folder: true,
      title: 'File',
      description:
        'The .ics file (an absolute path inside the folders an administrator allows); read again whenever it changes',
    }),
  },
  { ...strict, title: 'File' },
);

/** Where a holiday calendar is read from: an .ics file in the allowed folders, or an https feed. */
const HolidayCalendarSource = Type.Union(
  [
    CalendarFileSource,
    Type.Object(
      {
        url: Type.String({
          minLength: 1,
          maxLength: 8192,
          destination: true,
          title: 'URL',
          description: 'The https:// address of a public calendar feed (.ics); fetched hourly',
        }),
      },
      { ...strict, title: 'URL' },
    ),
  ],
  { title: 'Calendar', description: 'An iCalendar (.ics) file or https:// feed of holidays' },
);

/** An exclusion by calendar: nothing fires on a day an event of the calendar covers. */
export const CalendarExcludeSchema = Type.Object(
  {
    calendar: HolidayCalendarSource,
    filter: Type.Optional(
      Type.String({
        maxLength: 200,
        title: 'Only events containing',
        description:
          'Only days of events whose summary or one of whose categories contains this text (any case); empty for every event',
      }),
    ),
  },
  strict,
);
export type CalendarExcludeInput = Static<typeof CalendarExcludeSchema>;

/** The most calendars one schedule excludes the days of. */
export const MAX_EXCLUDED_CALENDARS = 5;

/** The schedule object: the config of a time trigger. */
export const ScheduleSchema = Type.Object(
  {
    timezone: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'IANA name; default the task’s' }),
    ),
    start: LocalDateTime,
    end: Type.Optional(LocalDateTime),
    exclude: Type.Optional(
      Type.Array(
        Type.Union([
          LocalDate,
          Type.Object({ from: LocalDate, to: LocalDate }, strict),
          CalendarExcludeSchema,
        ]),
        {
          maxItems: 1000,
          description:
            'Dates, date ranges (inclusive), or holiday calendars (the days of their events), on which nothing fires',
        },
      ),
    ),
    intervals: Type.Array(IntervalSchema, { minItems: 1, maxItems: 50 }),
  },
  strict,
);
export type ScheduleInput = Static<typeof ScheduleSchema>;
