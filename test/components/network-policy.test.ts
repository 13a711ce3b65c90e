import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { createServer, type AddressInfo } from 'node:net';
import { emailAction } from '../../src/plugins/builtin/actions/email.ts';
import { sftpUploadAction } from '../../src/plugins/builtin/actions/sftp-upload.ts';
import { webhookAction } from '../../src/plugins/builtin/actions/webhook.ts';
import { httpJob } from '../../src/plugins/builtin/jobs/http.ts';
import { checkDestination } from '../../src/net/destination.ts';
import { serverNetworkPolicy } from '../../src/net/server-policy.ts';
import { DEFAULT_SETTINGS } from '../../src/domain/settings.ts';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { componentHarness, type HarnessOptions } from '../support/component-context.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { componentOf, runTask } from '../support/engine-runs.ts';
import { answer, startHttpPeer, type HttpPeer } from '../support/http-peer.ts';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer.ts';

/** The end of every refusal: who can change it, and where. */
const HOW_TO_ALLOW =
  'is not an allowed network; an administrator can allow it under Settings → Networks';

/** A new server's settings: nothing allowed, the default networks denied. */
const CLOSED: HarnessOptions = { allowedNetworks: [] };

/** The http job's config with the schema's defaults, as the API would have stored it. */
function httpConfig(overrides: Record<string, unknown>) {
  return { method: 'GET', headers: {}, maxMegabytes: 100, ...overrides };
}

/** Runs the http job with the harness options; resolves to its results or rejects with its error. */
async function fetchWith(options: HarnessOptions, config: Record<string, unknown>) {
  const h = await componentHarness(options);
  try {
    return await httpJob.run(httpConfig(config), h.job);
  } finally {
    await h.dispose();
  }
}

describe('network policy of the http job', () => {
  let peer: HttpPeer;
  let other: HttpPeer;

  beforeEach(async () => {
    peer = await startHttpPeer('127.0.0.1');
    other = await startHttpPeer('127.0.0.2');
    peer.route('/secret', answer(200, {}, 'metadata keys'));
  });
  afterEach(async () => {
    await peer.close();
    await other.close();
  });

  it('refuses loopback by default, naming the address and the network, and sends nothing', async () => {
    await assert.rejects(fetchWith(CLOSED, { url: `${peer.url}/secret` }), {
      message: `The destination 127.0.0.1 (loopback) ${HOW_TO_ALLOW}`,
    });
    assert.equal(peer.requests.length, 0, 'the peer received no request');
  });

  it('refuses a host name that resolves to a denied address', async () => {
    const port = new URL(peer.url).port;
    await assert.rejects(fetchWith(CLOSED, { url: `http://localhost:${port}/secret` }), {
      message: new RegExp(
        `^The destination localhost \\((127\\.0\\.0\\.1|::1), loopback\\) ${HOW_TO_ALLOW}$`,
      ),
    });
    assert.equal(peer.requests.length, 0);
  });

  it('refuses an IPv4-mapped IPv6 address as the IPv4 address it stands for', async () => {
    const port = new URL(peer.url).port;
    const url = `http://[::ffff:127.0.0.1]:${port}/secret`;
    await assert.rejects(fetchWith(CLOSED, { url }), {
      message: `The destination ::ffff:7f00:1 (loopback) ${HOW_TO_ALLOW}`,
    });
    // Only an IPv6 entry that covers it as IPv4 opens it, as 127.0.0.0/8 itself would.
    await assert.rejects(fetchWith({ allowedNetworks: ['::1/128'] }, { url }), /loopback/);
    assert.equal(peer.requests.length, 0);
  });

  it('refuses a redirect from an allowed address to a denied one, before connecting to it', async () => {
    other.route('/start', answer(302, { location: `${peer.url}/secret` }));
    await assert.rejects(
      fetchWith({ allowedNetworks: ['127.0.0.2/32'] }, { url: `${other.url}/start` }),
      {
        message: `Redirected to ${peer.url}/secret: The destination 127.0.0.1 (loopback) ${HOW_TO_ALLOW}`,
      },
    );
    assert.equal(other.requests.length, 1, 'the allowed address was asked');
    assert.equal(peer.requests.length, 0, 'the denied one was not');
  });

  it("refuses the server's own addresses even with no network denied", async () => {
    await assert.rejects(
      fetchWith({ allowedNetworks: [], deniedNetworks: [] }, { url: `${peer.url}/secret` }),
      { message: `The destination 127.0.0.1 (this server) ${HOW_TO_ALLOW}` },
    );
    assert.equal(peer.requests.length, 0);
  });

  it('drops the custom headers and Authorization once a redirect leaves the origin, for good', async () => {
    other.route('/start', answer(302, { location: '/same-origin' }));
    other.route('/same-origin', answer(307, { location: `${peer.url}/elsewhere` }));
    peer.route('/elsewhere', answer(302, { location: `${other.url}/back` }));
    other.route('/back', answer(200, {}, 'done'));
    const [result] = await fetchWith(
      { allowedNetworks: ['127.0.0.0/8'] },
      {
        url: `${other.url}/start`,
        headers: { 'X-Custom': 'tenant-7', 'x-api-key': 'k3y' },
        authorization: 'Bearer s3cret',
      },
    );
    assert.equal(result?.name, 'back');
    const [start, sameOrigin, back] = other.requests;
    for (const request of [start, sameOrigin]) {
      assert.equal(request?.headers['x-custom'], 'tenant-7', request?.url);
      assert.equal(request?.headers.authorization, 'Bearer s3cret', request?.url);
    }
    const [elsewhere] = peer.requests;
    for (const request of [elsewhere, back]) {
      assert.equal(request?.headers['x-custom'], undefined, request?.url);
      assert.equal(request?.headers['x-api-key'], undefined, request?.url);
      assert.equal(request?.headers.authorization, undefined, request?.url);
    }
  });

  it('reaches a denied network once it is allowed, and only that one', async () => {
    const [result] = await fetchWith(
      { allowedNetworks: ['127.0.0.1/32'] },
      { url: `${peer.url}/secret` },
    );
    assert.equal(result?.type, 'file');
    assert.equal(peer.requests.length, 1);
    await assert.rejects(
      fetchWith({ allowedNetworks: ['127.0.0.1/32'] }, { url: `${other.url}/x` }),
      /The destination 127\.0\.0\.2 \(loopback\)/,
    );
  });
});

describe('network policy of the webhook', () => {
  it('refuses a denied address and sends nothing', async () => {
    const peer = await startHttpPeer();
    const h = await componentHarness(CLOSED);
    try {
      peer.route('/hook', answer(204));
      const config = { url: `${peer.url}/hook`, headers: {}, includeFiles: false };
      await assert.rejects(webhookAction.run(config, h.action), {
        message: `The destination 127.0.0.1 (loopback) ${HOW_TO_ALLOW}`,
      });
      assert.equal(peer.requests.length, 0);
    } finally {
      await h.dispose();
      await peer.close();
    }
  });
});

describe("network policy of the email action's own SMTP server", () => {
  let peer: SmtpPeer;
  before(async () => {
    peer = await startSmtpPeer();
  });
  after(() => peer.close());

  async function send(options: HarnessOptions, host: string | null) {
    const h = await componentHarness(options);
    try {
      const smtp = host === null ? {} : { smtp: { ...peer.settings(), host } };
      const config = h.configFor(emailAction, { to: ['bob@example.com'], ...smtp });
      await emailAction.run(config, h.action);
      for (const attempt of await h.deliverQueued()) assert.equal(attempt.error, null);
    } finally {
      await h.dispose();
    }
  }

  it('refuses an own SMTP server on a denied address or name, sending nothing', async () => {
    await assert.rejects(send(CLOSED, '127.0.0.1'), {
      message: `The destination 127.0.0.1 (loopback) ${HOW_TO_ALLOW}`,
    });
    await assert.rejects(send(CLOSED, 'localhost'), {
      message: new RegExp(`^The destination localhost \\((127\\.0\\.0\\.1|::1), loopback\\)`),
    });
    assert.equal(peer.received.length, 0);
  });

  it("sends through an allowed own server, and through the administrator's default as it is", async () => {
    await send({ allowedNetworks: ['127.0.0.0/8'] }, '127.0.0.1');
    assert.equal(peer.received.length, 1);
    // The default server is the administrator's choice, often a relay on this very machine.
    await send({ ...CLOSED, smtp: peer.settings() }, null);
    assert.equal(peer.received.length, 2);
  });
});

describe('network policy of the sftp-upload action', () => {
  it('refuses a server on a denied address before connecting to it', async () => {
    const connections: number[] = [];
    const listener = createServer((socket) => {
      connections.push(1);
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const { port } = listener.address() as AddressInfo;
    const h = await componentHarness(CLOSED);
    try {
      await h.file('report.csv', 'a,b\n');
      const config = h.configFor(sftpUploadAction, {
        host: '127.0.0.1',
        port,
        user: 'planner',
        password: 'not-to-be-sent',
        remoteFolder: '/upload',
      });
      await assert.rejects(sftpUploadAction.run(config, h.action), {
        message: `The destination 127.0.0.1 (loopback) ${HOW_TO_ALLOW}`,
      });
      assert.equal(connections.length, 0);
    } finally {
      await h.dispose();
      await new Promise((resolve) => listener.close(resolve));
    }
  });
});

describe('checkDestination', () => {
  const policy = (allowedNetworks: string[]) =>
    serverNetworkPolicy({ ...DEFAULT_SETTINGS, allowedNetworks });

  it('returns the checked address of a name or an address, and refuses denied ones', async () => {
    assert.match(
      await checkDestination('localhost', 22, policy(['127.0.0.0/8', '::1/128'])),
      /^(127\.0\.0\.1|::1)$/,
    );
    assert.equal(await checkDestination('[::1]', 22, policy(['::1/128'])), '::1');
    await assert.rejects(checkDestination('127.0.0.1', 22, policy([])), {
      name: 'DeniedDestinationError',
      message: `The destination 127.0.0.1 (loopback) ${HOW_TO_ALLOW}`,
    });
  });
});

for (const backend of await backends()) {
  describe(`network settings through the engine on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    let alice: ApiClient;
    let peer: HttpPeer;

    before(async () => {
      // A new server's settings: the test opens nothing.
      t = await startEngineApp(backend, 'network-policy', { allowedNetworks: null });
      alice = (await t.user('alice', ['taskplanner', 'job.http'])).client;
      peer = await startHttpPeer();
      peer.route('/secret', answer(200, {}, 'metadata keys'));
    });
    after(async () => {
      await peer?.close();
      await t?.close();
    });

    it('fails the run on a denied address until an administrator allows the network', async () => {
      const job = { id: 'fetch', kind: 'http', config: { url: `${peer.url}/secret` } };
      const refused = await runTask(t, alice, { jobs: [job] });
      assert.equal(refused.status, 'failed');
      assert.equal(
        componentOf(refused, 'fetch').message,
        `The destination 127.0.0.1 (loopback) ${HOW_TO_ALLOW}`,
      );
      assert.equal(peer.requests.length, 0);

      const opened = await t.admin.patch('/api/v1/settings', { allowedNetworks: ['127.0.0.1'] });
      assert.equal(opened.status, 200, JSON.stringify(opened.body));
      assert.deepEqual(opened.body.allowedNetworks, ['127.0.0.1/32']);
      const allowed = await runTask(t, alice, { jobs: [job] });
      assert.equal(allowed.status, 'succeeded', componentOf(allowed, 'fetch').message ?? '');
      assert.equal(peer.requests.length, 1);
    });

    it('refuses a bad network in the setting (400 naming it) and keeps the one in force', async () => {
      const before = await t.admin.get('/api/v1/settings');
      const refused = await t.admin.patch('/api/v1/settings', {
        allowedNetworks: ['127.0.0.1/32', '10.0.0.0/33'],
        deniedNetworks: [],
      });
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.equal(refused.body.code, 'VALIDATION_FAILED');
      assert.deepEqual(refused.body.errors, [
        {
          in: 'body',
          path: '/allowedNetworks/1',
          message: "'10.0.0.0/33' is not a network (address/prefix)",
        },
      ]);
      assert.deepEqual((await t.admin.get('/api/v1/settings')).body, before.body);
    });
  });
}
