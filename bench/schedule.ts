// Next-occurrence computations per second: our schedules side by side with croner on the
// equivalent cron expressions, in one run, on one machine. Run: npm run bench:schedule
import { Cron } from 'croner';
import { compileSchedule } from '../src/schedule/compile-schedule.ts';

const ZONE = 'Europe/Berlin';
const CHAIN = 2000;
const ROUNDS = 5;

interface Case {
  name: string;
  schedule: Record<string, unknown>;
  cron: string;
  start?: string;
}

const CASES: Case[] = [
  { name: 'every minute', schedule: { intervals: [{ kind: 'minutes' }] }, cron: '* * * * *' },
  {
    name: 'every 15 minutes',
    schedule: { intervals: [{ kind: 'minutes', every: 15 }] },
    cron: '*/15 * * * *',
  },
  {
    name: 'daily at 09:00',
    schedule: { intervals: [{ kind: 'days', times: ['09:00'] }] },
    cron: '0 9 * * *',
  },
  {
    name: 'weekdays at 09:00',
    schedule: {
      intervals: [{ kind: 'weeks', weekdays: ['MO', 'TU', 'WE', 'TH', 'FR'], times: ['09:00'] }],
    },
    cron: '0 9 * * 1-5',
  },
  {
    name: 'weekdays every 2 h 08-18',
    schedule: {
      intervals: [
        {
          kind: 'weeks',
          weekdays: ['MO', 'TU', 'WE', 'TH', 'FR'],
          repeat: { every: 2, unit: 'hours', from: '08:00', until: '18:00' },
        },
      ],
    },
    cron: '0 8-18/2 * * 1-5',
  },
  {
    name: 'monthly 1st and last 06:00',
    schedule: { intervals: [{ kind: 'months', days: [1, -1], times: ['06:00'] }] },
    cron: '0 6 1,L * *',
  },
  {
    name: 'yearly 29 February',
    schedule: { intervals: [{ kind: 'years', months: [2], days: [29], times: ['00:00'] }] },
    cron: '0 0 29 2 *',
  },
  {
    name: 'cron kind 0 9 * * 1-5',
    schedule: { intervals: [{ kind: 'cron', expression: '0 9 * * 1-5' }] },
    cron: '0 9 * * 1-5',
  },
  {
    name: 'every minute, start 2019',
    schedule: { intervals: [{ kind: 'minutes' }] },
    cron: '* * * * *',
    start: '2019-01-01T00:00',
  },
];

const FROM = Date.parse('2026-11-22T10:00:00Z');

function perSecond(run: () => void): number {
  let best = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const began = process.hrtime.bigint();
    run();
    const seconds = Number(process.hrtime.bigint() - began) / 1e9;
    best = Math.max(best, CHAIN / seconds);
  }
  return best;
}

function ours(testCase: Case): number {
  const { next } = compileSchedule(
    { timezone: ZONE, start: testCase.start ?? '2026-01-01T00:00', ...testCase.schedule },
    ZONE,
  );
  return perSecond(() => {
    let cursor: number | null = FROM;
    for (let i = 0; i < CHAIN && cursor !== null; i++) cursor = next(cursor);
  });
}

function croner(testCase: Case): number {
  const job = new Cron(testCase.cron, { timezone: ZONE, paused: true });
  return perSecond(() => {
    let cursor: Date | null = new Date(FROM);
    for (let i = 0; i < CHAIN && cursor !== null; i++) cursor = job.nextRun(cursor);
  });
}

const rows = CASES.map((testCase) => {
  const mine = ours(testCase);
  const theirs = croner(testCase);
  return {
    name: testCase.name,
    ours: Math.round(mine),
    croner: Math.round(theirs),
    ratio: mine / theirs,
  };
});

console.log(
  `Next-occurrence computations per second (best of ${ROUNDS} chains of ${CHAIN}), zone ${ZONE}`,
);
console.log(`node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
console.log('| schedule | ours /s | croner /s | ours ÷ croner |');
console.log('| --- | ---: | ---: | ---: |');
for (const row of rows) {
  console.log(
    `| ${row.name} | ${row.ours.toLocaleString('en')} | ${row.croner.toLocaleString('en')} | ${row.ratio.toFixed(2)} |`,
  );
}
