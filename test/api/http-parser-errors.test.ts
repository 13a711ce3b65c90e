import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { answerClientError, type ClientError } from '../../src/http/client-errors.ts';
import { backends } from '../support/backends.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/** What came back on a raw connection: the status line, the headers, the body, and whether the server closed. */
interface RawAnswer {
  statusLine: string;
  status: number;
  headers: Record<string, string>;
  body: any;
  closedByServer: boolean;
}

/** Splits a raw HTTP/1.1 answer into status, headers and (JSON, when it says so) body. */
function parseAnswer(text: string, closedByServer: boolean): RawAnswer {
  const split = text.indexOf('\r\n\r\n');
  assert.ok(split > 0, `no complete answer: ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = text.slice(split + 4);
  const length = Number(headers['content-length'] ?? rest.length);
  const raw = rest.slice(0, length);
  const body = /json/.test(headers['content-type'] ?? '') ? (JSON.parse(raw) as unknown) : raw;
  return { statusLine, status: Number(statusLine.split(' ')[1]), headers, body, closedByServer };
}

/**
 * Sends raw bytes on a plain TCP connection and reads until the server closes it (the
 * client never ends first), or for at most 5 seconds.
 */
function exchange(port: number, raw: string | Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let closedByServer = false;
    const socket: Socket = connect(port, '127.0.0.1', () => socket.write(raw));
    const timer = setTimeout(() => socket.destroy(), 5000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => {
      closedByServer = true;
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(parseAnswer(Buffer.concat(chunks).toString('latin1'), closedByServer));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

/** Asserts a problem+json answer with the status, a detail matching the pattern, and Connection: close. */
function assertProblem(answer: RawAnswer, status: number, detail: RegExp): void {
  assert.equal(answer.status, status, answer.statusLine);
  assert.match(answer.headers['content-type'] ?? '', /^application\/problem\+json/);
  assert.equal(answer.body.status, status);
  assert.equal(typeof answer.body.title, 'string');
  assert.equal(typeof answer.body.code, 'string');
  assert.match(answer.body.detail, detail);
}

const [sqlite] = await backends();

describe('requests the HTTP parser refuses, and other malformed requests', () => {
  let t: TestApp;
  let port: number;
  let bearer: string;

  before(async () => {
    t = await startTestApp(sqlite!, 'parser-errors');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as { port: number }).port;
    bearer = (await t.admin.post('/api/v1/tokens', { name: 'raw' })).body.token;
  });
  after(async () => {
    await t?.close();
  });

  /** The start of a request: request line and Host, no blank line yet. */
  const head = (line: string) => `${line}\r\nHost: 127.0.0.1\r\n`;

  const refused: Array<[string, () => string, number, RegExp]> = [
    [
      'a 20 KB query string',
      () => `${head(`GET /api/v1/tasks?q=${'a'.repeat(20 * 1024)} HTTP/1.1`)}\r\n`,
      414,
      /URL is longer than 16 KB/,
    ],
    [
      'a duplicate Content-Length',
      () =>
        `${head('POST /api/v1/session HTTP/1.1')}Content-Type: application/json\r\n` +
        'Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}',
      400,
      /Content-Length twice/,
    ],
    [
      'Content-Length with Transfer-Encoding',
      () =>
        `${head('POST /api/v1/session HTTP/1.1')}Content-Type: application/json\r\n` +
        'Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
      400,
      /Transfer-Encoding with Content-Length/,
    ],
    [
      'a 70 KB header',
      () => `${head('GET /healthz HTTP/1.1')}X-Big: ${'b'.repeat(70 * 1024)}\r\n\r\n`,
      431,
      /line and headers are longer than 16 KB/,
    ],
    [
      'a bad chunk size',
      () =>
        `${head('POST /api/v1/session HTTP/1.1')}Content-Type: application/json\r\n` +
        'Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
      400,
      /chunk .* no valid size/,
    ],
    [
      'a raw NUL in the path',
      () => `${head('GET /api/v1/ta\0sks HTTP/1.1')}\r\n`,
      400,
      /not a valid URL path .*NUL/,
    ],
    ['an unknown method', () => `${head('FROB /healthz HTTP/1.1')}\r\n`, 400, /HTTP method/],
    ['an unknown HTTP version', () => `${head('GET /healthz HTTP/7.1')}\r\n`, 400, /HTTP\/1\.1/],
    [
      'bytes that are not HTTP',
      () => '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03',
      400,
      /method/,
    ],
  ];

  for (const [what, request, status, detail] of refused) {
    it(`answers ${what} with ${status} problem+json, Connection: close, and closes`, async () => {
      const answer = await exchange(port, Buffer.from(request(), 'latin1'));
      assertProblem(answer, status, detail);
      assert.equal(answer.body.code, 'VALIDATION_FAILED');
      assert.equal(answer.headers.connection, 'close');
      assert.ok(answer.closedByServer, 'the server closes the connection');
      assert.doesNotMatch(JSON.stringify(answer.body), /aaaa|bbbb|\\u0000/, 'echoes no input');
    });
  }

  it('names the path of a refused request when it can be read', async () => {
    const answer = await exchange(
      port,
      `${head('POST /api/v1/session HTTP/1.1')}Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}`,
    );
    assert.equal(answer.body.instance, '/api/v1/session');
  });

  /** A request Fastify answers, as the admin's token, closing the connection after. */
  const asAdmin = (line: string, rest = '') =>
    `${head(line)}Authorization: Bearer ${bearer}\r\nConnection: close\r\n${rest}`;

  const answered: Array<[string, () => string, number, RegExp]> = [
    [
      'an unknown route',
      () => asAdmin('GET /api/v1/nothing-here HTTP/1.1', '\r\n'),
      404,
      /No route/,
    ],
    [
      'a method the route does not have',
      () => asAdmin('PATCH /api/v1/session HTTP/1.1', 'Content-Length: 0\r\n\r\n'),
      404,
      /No route PATCH/,
    ],
    [
      'bad JSON',
      () =>
        asAdmin(
          'POST /api/v1/tasks HTTP/1.1',
          'Content-Type: application/json\r\nContent-Length: 8\r\n\r\n{"name":',
        ),
      400,
      /JSON/,
    ],
    [
      'a wrong content type',
      () =>
        asAdmin(
          'POST /api/v1/tasks HTTP/1.1',
          'Content-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello',
        ),
      415,
      /as application\/json/,
    ],
    [
      'a body over the limit (by Content-Length)',
      () =>
        asAdmin(
          'POST /api/v1/tasks HTTP/1.1',
          'Content-Type: application/json\r\nContent-Length: 2000000\r\n\r\n{"name":',
        ),
      413,
      /too large/i,
    ],
    [
      'a chunked body over the limit',
      () => {
        const chunk = `${'a'.repeat(64 * 1024)}`;
        const chunks = Array.from({ length: 17 }, () => `10000\r\n${chunk}\r\n`).join('');
        return asAdmin(
          'POST /api/v1/tasks HTTP/1.1',
          `Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}0\r\n\r\n`,
        );
      },
      413,
      /too large/i,
    ],
  ];

  for (const [what, request, status, detail] of answered) {
    it(`answers ${what} with ${status} problem+json`, async () => {
      assertProblem(await exchange(port, request()), status, detail);
    });
  }

  it('never answers a refused request in place of the one before it on the connection', async () => {
    const healthz = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n';
    const broken =
      'GET /api/v1/tasks HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n';
    const received = await new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      const socket: Socket = connect(port, '127.0.0.1', () => socket.write(healthz + broken));
      const timer = setTimeout(() => socket.destroy(), 5000);
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', () => {});
      socket.on('close', () => {
        clearTimeout(timer);
        resolve(Buffer.concat(chunks).toString('latin1'));
      });
    });
    const statusLines = received.split('\r\n').filter((line) => line.startsWith('HTTP/1.1 '));
    assert.ok(
      statusLines.every((line) => line.startsWith('HTTP/1.1 200')),
      `only the health answer, if any: ${JSON.stringify(statusLines)}`,
    );
  });

  it('writes nothing to a socket that is destroyed, ended, or already answering', () => {
    const error = Object.assign(new Error('Parse Error'), { code: 'HPE_INVALID_METHOD' });
    const cases: Array<[string, Record<string, unknown>, boolean]> = [
      ['destroyed', { destroyed: true }, false],
      ['ended', { writableEnded: true }, false],
      ['not writable', { writable: false }, true],
      ['answering', { _httpMessage: { headersSent: true, req: { complete: false } } }, true],
      [
        'owing an earlier request its answer',
        { _httpMessage: { headersSent: false, req: { complete: true } } },
        true,
      ],
      ['reset', {}, true],
    ];
    for (const [what, state, destroys] of cases) {
      const calls: string[] = [];
      const socket = {
        destroyed: false,
        writableEnded: false,
        writable: true,
        ...state,
        write: () => calls.push('write'),
        end: () => calls.push('end'),
        destroy: () => calls.push('destroy'),
        once: () => socket,
      };
      const reported: ClientError =
        what === 'reset' ? Object.assign(new Error('reset'), { code: 'ECONNRESET' }) : error;
      answerClientError(reported, socket as unknown as Socket);
      assert.deepEqual(calls, destroys ? ['destroy'] : [], what);
    }
  });
});
