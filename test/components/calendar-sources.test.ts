// The calendar trigger's sources and their bad input: started with a real folder check and a
// real HTTP peer, on a clock the test moves.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_SETTINGS } from '../../src/domain/settings.ts';
import { networkPolicy } from '../../src/domain/network-policy.ts';
import { calendarTrigger } from '../../src/plugins/builtin/triggers/calendar.ts';
import { UrlCalendar } from '../../src/plugins/builtin/triggers/calendar-source.ts';
import type { TriggerContext } from '../../src/plugins/run-context.ts';
import { allowedPath } from '../../src/settings/folder-access.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { answer, LOOPBACK_NETWORKS, startHttpPeer, type HttpPeer } from '../support/http-peer.ts';

const GOOGLE = readFileSync(
  new URL('../fixtures/calendars/google-team.ics', import.meta.url),
  'utf8',
);

/** What a started trigger logged and fired. */
interface Started {
  errors: string[];
  fired: Array<{ parameters: Record<string, string>; occurrence: number | undefined }>;
  stop: () => void | Promise<void>;
}

/** Starts the calendar trigger of a task in Berlin, the folder root given, as the engine would. */
function startTrigger(config: Record<string, unknown>, root: string, clock: FakeClock): Started {
  const started: Started = { errors: [], fired: [], stop: () => {} };
  const context: TriggerContext = {
    task: { id: 'task-1', name: 'calendar', ownerId: 'alice', timezone: 'Europe/Berlin' },
    triggerId: 'cal',
    reason: 'task-enabled',
    fire: async (_cause, parameters = {}, occurrence) => {
      started.fired.push({ parameters, occurrence });
      return `run-${started.fired.length}`;
    },
    log: { info: () => {}, warn: () => {}, error: (message) => started.errors.push(message) },
    host: {
      settings: async () => ({ ...DEFAULT_SETTINGS, folderRoots: [root] }),
      allowedPath: (path) => allowedPath(path, [root]),
    },
    now: () => clock.now(),
    setTimer: (ms, fn) => clock.setTimer(ms, fn),
  };
  const full = { filter: '', fireAt: 'start', leadMinutes: 0, ...config };
  started.stop = calendarTrigger.start?.(full, context) ?? (() => {});
  return started;
}

async function until<T>(what: string, probe: () => T | undefined): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('calendar trigger sources', () => {
  let root: string;
  let outside: string;
  let peer: HttpPeer;

  before(async () => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'tp-cal-root-')));
    outside = realpathSync(mkdtempSync(join(tmpdir(), 'tp-cal-outside-')));
    peer = await startHttpPeer();
  });
  after(async () => {
    await peer?.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('fires from a file in the allowed folders', async () => {
    const file = join(root, 'team.ics');
    writeFileSync(file, GOOGLE);
    const clock = new FakeClock(new Date('2026-03-02T07:59:00Z'));
    const started = startTrigger({ source: { file } }, root, clock);
    try {
      await clock.advance(60_000);
      const fired = await until('a fire', () => started.fired[0]);
      assert.equal(fired.parameters['event.summary'], 'Team sync');
      assert.deepEqual(started.errors, []);
    } finally {
      await started.stop();
    }
  });

  it('says why it does not read a file outside the allowed folders, invalid iCalendar, or a huge file', async () => {
    const cases: Array<[string, string, RegExp]> = [
      [join(outside, 'team.ics'), GOOGLE, /outside the allowed folders/],
      [
        join(root, 'broken.ics'),
        'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n',
        /not valid iCalendar/,
      ],
      [join(root, 'page.ics'), '<!doctype html><p>Sign in</p>', /not an iCalendar file/],
      [join(root, 'huge.ics'), 'X'.repeat(10 * 1024 * 1024 + 1), /larger than 10 MB/],
    ];
    for (const [file, content, message] of cases) {
      writeFileSync(file, content);
      const started = startTrigger({ source: { file } }, root, new FakeClock(Date.now()));
      try {
        const [error] = await until(`an error for ${file}`, () =>
          started.errors.length > 0 ? started.errors : undefined,
        );
        assert.match(error ?? '', /^calendar trigger cal of task task-1: /);
        assert.match(error ?? '', message);
        assert.deepEqual(started.fired, []);
      } finally {
        await started.stop();
      }
    }
  });

  it('fetches a URL conditionally: an unchanged calendar answers 304 and reads as null', async () => {
    let calls = 0;
    peer.route('/team.ics', (request, response) => {
      calls++;
      if (request.headers['if-none-match'] === '"v1"') {
        response.writeHead(304).end();
        return;
      }
      answer(200, { 'content-type': 'text/calendar', etag: '"v1"' }, GOOGLE)(request, response);
    });
    const calendar = new UrlCalendar(new URL(`${peer.url}/team.ics`));
    const options = {
      timeoutSeconds: 5,
      maxBytes: 1024 * 1024,
      policy: networkPolicy(LOOPBACK_NETWORKS, [], []),
      signal: new AbortController().signal,
    };
    assert.equal(await calendar.fetch(options), GOOGLE);
    assert.equal(await calendar.fetch(options), null);
    assert.equal(calls, 2);
  });

  it('refuses a URL answer that is too large, an error status, a slow server and a denied network', async () => {
    peer.route('/big.ics', answer(200, {}, 'X'.repeat(2048)));
    peer.route('/gone.ics', answer(404));
    peer.route('/slow.ics', () => {});
    const options = {
      timeoutSeconds: 1,
      maxBytes: 1024,
      policy: networkPolicy(LOOPBACK_NETWORKS, [], []),
      signal: new AbortController().signal,
    };
    const fetch = (path: string, policy = options.policy) =>
      new UrlCalendar(new URL(`${peer.url}${path}`)).fetch({ ...options, policy });
    await assert.rejects(fetch('/big.ics'), /larger than/);
    await assert.rejects(fetch('/gone.ics'), /answered 404/);
    await assert.rejects(fetch('/slow.ics'), /no complete answer within 1 s/);
    await assert.rejects(fetch('/big.ics', networkPolicy([], ['127.0.0.0/8', '::1/128'], [])), {
      name: 'DeniedDestinationError',
    });
  });
});
