import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { ftpUploadAction } from '../../src/plugins/builtin/actions/ftp-upload.ts';
import { SECRET_MASK } from '../../src/secrets/secret-box.ts';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import {
  componentHarness,
  type ComponentHarness,
  type HarnessOptions,
} from '../support/component-context.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { actionOutcome, runTask } from '../support/engine-runs.ts';
import { startFtpPeer, type FtpPeer, type FtpPeerOptions } from '../support/ftp-peer.ts';

/** The instant the runs of the action's own tests happen at. */
const AT = new Date('2026-03-02T08:00:00Z');
const ACCOUNTS = [
  { user: 'uploader', password: 'upload-secret' },
  { user: 'anonymous', password: 'anonymous@' },
];
/** A temporary name as the action makes them. */
const TEMPORARY = /\.part-[0-9a-f]{8}$/;

/** A TCP service that is no FTP server. */
async function fakeService(serve: (socket: Socket) => void) {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.resume();
    serve(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A TCP forwarder on 127.0.0.2 to a port of 127.0.0.1 (control connection only). */
async function fakeForward(port: number) {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    const upstream = connect(port, '127.0.0.1');
    sockets.add(socket).add(upstream);
    for (const each of [socket, upstream]) each.on('error', () => {});
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Starts a peer with the test accounts and an incoming folder. */
async function peerWith(options: FtpPeerOptions = {}): Promise<FtpPeer> {
  const peer = await startFtpPeer(ACCOUNTS, options);
  await mkdir(join(peer.root, 'incoming'));
  return peer;
}

/** Runs the action with fresh files; resolves to the context (disposed afterwards). */
async function upload(
  config: Record<string, unknown>,
  files: Array<[string, string | Uint8Array]> = [['data.csv', 'a,b\n']],
  options: HarnessOptions = {},
): Promise<ComponentHarness> {
  const d = await componentHarness({ at: AT, ...options });
  try {
    for (const [name, content] of files) await d.file(name, content);
    await ftpUploadAction.run(d.configFor(ftpUploadAction, config), d.action);
    return d;
  } finally {
    await d.dispose();
  }
}

const incoming = (peer: FtpPeer) => readdir(join(peer.root, 'incoming'));
const remote = (peer: FtpPeer, name: string) => readFile(join(peer.root, 'incoming', name));
const messages = (d: ComponentHarness) => d.lines.map((line) => line.message);

describe('ftp-upload action over plain FTP', () => {
  let peer: FtpPeer;
  before(async () => (peer = await peerWith()));
  after(() => peer.close());

  const base = () => ({
    host: '127.0.0.1',
    port: peer.port,
    security: 'none',
    user: 'uploader',
    password: 'upload-secret',
    remoteFolder: '/incoming',
  });

  it('uploads each file with its bytes under the format, and leaves no temporary file', async () => {
    const binary = randomBytes(300_000);
    const d = await upload({ ...base(), fileName: '{filename}-{date}' }, [
      ['report.csv', 'a,b\n1,2\n'],
      ['blob.bin', binary],
    ]);
    assert.equal((await remote(peer, 'report-2026-03-02.csv')).toString(), 'a,b\n1,2\n');
    assert.ok((await remote(peer, 'blob-2026-03-02.bin')).equals(binary));
    assert.deepEqual((await incoming(peer)).sort(), [
      'blob-2026-03-02.bin',
      'report-2026-03-02.csv',
    ]);
    assert.equal(peer.logins.at(-1), 'uploader');
    const lines = messages(d);
    assert.ok(lines.includes(`connected to 127.0.0.1:${peer.port} as uploader (no encryption)`));
    assert.ok(lines.includes('uploaded blob.bin to /incoming/blob-2026-03-02.bin (300000 bytes)'));
    assert.ok(
      lines.includes(`the password went to 127.0.0.1:${peer.port} unencrypted (security: none)`),
    );
    assert.doesNotMatch(JSON.stringify(d.lines), /upload-secret/);
  });

  it('logs in as anonymous without a password, into the login folder by default', async () => {
    const { password: _password, remoteFolder: _folder, ...anonymous } = base();
    const d = await upload({ ...anonymous, user: 'anonymous', fileName: 'anonymous' });
    assert.equal(peer.logins.at(-1), 'anonymous');
    assert.equal(await readFile(join(peer.root, 'anonymous.csv'), 'utf8'), 'a,b\n');
    assert.ok(messages(d).includes('uploaded data.csv to anonymous.csv (4 bytes)'));
    assert.equal(d.lines.filter((line) => line.level === 'warn').length, 0);
  });

  it('replaces an existing file of that name', async () => {
    await writeFile(join(peer.root, 'incoming', 'daily.csv'), 'the old content\n');
    await upload({ ...base(), fileName: 'daily' }, [['data.csv', 'the new content\n']]);
    assert.equal((await remote(peer, 'daily.csv')).toString(), 'the new content\n');
    assert.deepEqual(
      (await incoming(peer)).filter((name) => TEMPORARY.test(name)),
      [],
    );
  });

  it('names the server and login when the login is refused, with a hint about TLS', async () => {
    const logins = peer.logins.length;
    await assert.rejects(upload({ ...base(), password: 'wrong-secret' }), {
      message: `FTP server 127.0.0.1:${peer.port} refused the login as 'uploader'; if it takes logins only over TLS, set security to 'explicit'`,
    });
    assert.equal(peer.logins.length, logins);
  });

  it('says when the remote folder does not exist or is not a folder', async () => {
    await assert.rejects(upload({ ...base(), remoteFolder: '/missing' }), {
      message: new RegExp(
        `^remote folder /missing does not exist on 127\\.0\\.0\\.1:${peer.port}, or is not a folder \\(550 `,
      ),
    });
    await upload({ ...base(), fileName: 'plain-file' });
    await assert.rejects(upload({ ...base(), remoteFolder: '/incoming/plain-file.csv' }), {
      message: new RegExp(
        `^remote folder /incoming/plain-file\\.csv does not exist on 127\\.0\\.0\\.1:${peer.port}, or is not a folder \\(550 `,
      ),
    });
  });

  it('refuses a server on a denied network before connecting to it', async () => {
    const connections = peer.connections;
    await assert.rejects(upload(base(), undefined, { allowedNetworks: [] }), {
      name: 'DeniedDestinationError',
      message:
        'The destination 127.0.0.1 (loopback) is not an allowed network; an administrator can allow it under Settings → Networks',
    });
    assert.equal(peer.connections, connections, 'no connection was made');
  });

  it('says that the server offers no TLS when explicit TLS is asked for, before logging in', async () => {
    const logins = peer.logins.length;
    await assert.rejects(upload({ ...base(), security: 'explicit' }), {
      message: `FTP server 127.0.0.1:${peer.port} does not offer TLS (it answered AUTH TLS with code 502); use security 'implicit' if it speaks TLS from the first byte (usually port 990), or 'none' to log in without encryption, which sends the password in clear`,
    });
    await assert.rejects(upload({ ...base(), security: 'implicit' }), {
      message: new RegExp(
        `^TLS with FTP server 127\\.0\\.0\\.1:${peer.port} failed: .+; if the server does not speak TLS from the first byte, use security 'explicit'$`,
      ),
    });
    assert.equal(peer.logins.length, logins, 'the password was not sent');
  });
});

describe('ftp-upload action over FTPS', () => {
  let explicit: FtpPeer;
  let implicit: FtpPeer;
  before(async () => {
    explicit = await peerWith({ tls: 'explicit' });
    implicit = await peerWith({ tls: 'implicit' });
  });
  after(async () => {
    await explicit.close();
    await implicit.close();
  });

  const cases = [
    { security: 'explicit', peer: () => explicit },
    { security: 'implicit', peer: () => implicit },
  ];

  for (const { security, peer } of cases) {
    const base = () => ({
      host: '127.0.0.1',
      port: peer().port,
      security,
      user: 'uploader',
      password: 'upload-secret',
      remoteFolder: '/incoming',
    });

    it(`${security}: refuses the self-signed certificate before logging in, and says how to trust it`, async () => {
      const logins = peer().logins.length;
      await assert.rejects(upload({ ...base(), fileName: 'never' }), {
        message: `the certificate of FTP server 127.0.0.1:${peer().port} is not trusted (self-signed certificate); give the server's certificate or its CA as caCertificate, or set verifyCertificate to false to accept any certificate (then someone in between could read the password)`,
      });
      assert.equal(peer().logins.length, logins, 'the password was not sent');
      assert.equal((await incoming(peer())).includes('never.csv'), false);
    });

    it(`${security}: uploads with the certificate pinned, over TLS`, async () => {
      const binary = randomBytes(200_000);
      const d = await upload(
        { ...base(), caCertificate: peer().certificate, fileName: `pinned-{filename}` },
        [['blob.bin', binary]],
      );
      assert.ok((await remote(peer(), 'pinned-blob.bin')).equals(binary));
      assert.deepEqual(
        (await incoming(peer())).filter((name) => name.startsWith('.')),
        [],
        'no temporary file is left',
      );
      assert.match(
        messages(d).join('\n'),
        new RegExp(
          `^connected to 127\\.0\\.0\\.1:${peer().port} as uploader \\(TLSv1\\.[23]\\)$`,
          'm',
        ),
      );
      assert.equal(d.lines.filter((line) => line.level === 'warn').length, 0);
    });

    it(`${security}: uploads to a server with any certificate when told not to check it`, async () => {
      const d = await upload({ ...base(), verifyCertificate: false, fileName: 'unchecked' });
      assert.equal((await remote(peer(), 'unchecked.csv')).toString(), 'a,b\n');
      assert.match(messages(d).join('\n'), /\(TLSv1\.[23], certificate not checked\)/);
    });

    it(`${security}: names the server and login when the login is refused`, async () => {
      await assert.rejects(
        upload({ ...base(), caCertificate: peer().certificate, password: 'wrong-secret' }),
        { message: `FTP server 127.0.0.1:${peer().port} refused the login as 'uploader'` },
      );
    });
  }

  it('refuses a pinned certificate that is not for the host', async () => {
    const other = await startFtpPeer(ACCOUNTS, { tls: 'explicit' });
    try {
      // The certificate holds 127.0.0.1 and localhost; 127.0.0.2 reaches the same listener.
      const listener = await fakeForward(other.port);
      try {
        await assert.rejects(
          upload({
            host: '127.0.0.2',
            port: listener.port,
            security: 'explicit',
            user: 'uploader',
            password: 'upload-secret',
            caCertificate: other.certificate,
          }),
          {
            message: new RegExp(
              `^the certificate of FTP server 127\\.0\\.0\\.2:${listener.port} is not for 127\\.0\\.0\\.2 \\(.+\\); connect by a name the certificate holds, or set verifyCertificate to false`,
            ),
          },
        );
        assert.deepEqual(other.logins, []);
      } finally {
        await listener.close();
      }
    } finally {
      await other.close();
    }
  });
});

describe('ftp-upload action against difficult servers', () => {
  const login = { host: '127.0.0.1', user: 'uploader', password: 'upload-secret' };

  const config = (peer: FtpPeer) => ({
    ...login,
    port: peer.port,
    security: 'none',
    remoteFolder: '/incoming',
  });
  /** The start of the message for an upload of data.csv to the name daily.csv that failed. */
  const dailyFailed = (peer: FtpPeer) =>
    `^uploading data\\.csv to /incoming/daily\\.csv on 127\\.0\\.0\\.1:${peer.port} failed: `;
  /** A peer with an incoming folder that holds daily.csv with the old content. */
  async function peerWithDaily(options: FtpPeerOptions): Promise<FtpPeer> {
    const peer = await peerWith(options);
    await writeFile(join(peer.root, 'incoming', 'daily.csv'), 'the old content\n');
    return peer;
  }
  const uploadDaily = (peer: FtpPeer) =>
    upload({ ...config(peer), fileName: 'daily' }, [['data.csv', 'the new content\n']]);

  it('replaces an existing file on a server that will not rename onto one, leaving nothing beside it', async () => {
    const peer = await peerWithDaily({ refuseReplace: true });
    try {
      await uploadDaily(peer);
      assert.equal((await remote(peer, 'daily.csv')).toString(), 'the new content\n');
      assert.deepEqual(await incoming(peer), ['daily.csv']);
    } finally {
      await peer.close();
    }
  });

  it('keeps the old file and deletes the upload when the server refuses every rename', async () => {
    const peer = await peerWithDaily({ refuseRename: true });
    try {
      await assert.rejects(uploadDaily(peer), {
        message: new RegExp(
          `${dailyFailed(peer)}the server refused to rename \\.daily\\.csv\\.part-[0-9a-f]{8} to daily\\.csv \\(550 renaming is not allowed\\); daily\\.csv was left as it was$`,
        ),
      });
      assert.deepEqual(await incoming(peer), ['daily.csv']);
      assert.equal((await remote(peer, 'daily.csv')).toString(), 'the old content\n');
    } finally {
      await peer.close();
    }
  });

  it('deletes the temporary file when the server refuses the rename, and no file was there', async () => {
    const peer = await peerWith({ refuseRename: true });
    try {
      await assert.rejects(upload(config(peer)), {
        message: new RegExp(
          `^uploading data\\.csv to /incoming/data\\.csv on 127\\.0\\.0\\.1:${peer.port} failed: the server refused to rename \\.data\\.csv\\.part-[0-9a-f]{8} to data\\.csv \\(550 renaming is not allowed\\); data\\.csv was not created$`,
        ),
      });
      assert.deepEqual(await incoming(peer), []);
    } finally {
      await peer.close();
    }
  });

  it('says where the upload is when it cannot be deleted after a refused rename', async () => {
    const peer = await peerWith({ refuseRename: true, refuseDeleteOf: TEMPORARY });
    try {
      const failure = await upload(config(peer)).then(
        () => assert.fail('the upload succeeded'),
        (error: Error) => error.message,
      );
      const [temporary] = await incoming(peer);
      assert.ok(temporary !== undefined && TEMPORARY.test(temporary));
      assert.equal(
        failure,
        `uploading data.csv to /incoming/data.csv on 127.0.0.1:${peer.port} failed: the server refused to rename ${temporary} to data.csv (550 renaming is not allowed); data.csv was not created; the upload is left in ${temporary}, which could not be deleted (550 deleting is not allowed)`,
      );
      assert.equal((await remote(peer, temporary)).toString(), 'a,b\n');
    } finally {
      await peer.close();
    }
  });

  it('puts the old file back when the upload cannot be renamed into its place', async () => {
    const peer = await peerWithDaily({ refuseReplace: true, refuseRenameOf: TEMPORARY });
    try {
      await assert.rejects(uploadDaily(peer), {
        message: new RegExp(
          `${dailyFailed(peer)}the server refused to rename \\.daily\\.csv\\.part-[0-9a-f]{8} to daily\\.csv, also after moving the old daily\\.csv aside \\(550 renaming is not allowed\\); daily\\.csv was left as it was$`,
        ),
      });
      assert.deepEqual(await incoming(peer), ['daily.csv']);
      assert.equal((await remote(peer, 'daily.csv')).toString(), 'the old content\n');
    } finally {
      await peer.close();
    }
  });

  it('says where the old and the new content are when the old file cannot be put back', async () => {
    const peer = await peerWithDaily({
      refuseReplace: true,
      refuseRenameOf: /\.(part|old)-[0-9a-f]{8}$/,
    });
    try {
      const failure = await uploadDaily(peer).then(
        () => assert.fail('the upload succeeded'),
        (error: Error) => error.message,
      );
      const names = (await incoming(peer)).sort();
      assert.equal(names.length, 2, String(names));
      const [aside = '', temporary = ''] = names;
      assert.match(aside, /^\.daily\.csv\.old-[0-9a-f]{8}$/);
      assert.match(temporary, /^\.daily\.csv\.part-[0-9a-f]{8}$/);
      assert.equal(
        failure,
        `uploading data.csv to /incoming/daily.csv on 127.0.0.1:${peer.port} failed: the server refused to rename ${temporary} to daily.csv, also after moving the old daily.csv aside (550 renaming is not allowed), and then to rename it back from ${aside} (550 renaming is not allowed): there is no daily.csv now; the old content is in ${aside}, the new in ${temporary}`,
      );
      assert.equal((await remote(peer, aside)).toString(), 'the old content\n');
      assert.equal((await remote(peer, temporary)).toString(), 'the new content\n');
    } finally {
      await peer.close();
    }
  });

  it('says where the old file is when it cannot be deleted after the replacement', async () => {
    const peer = await peerWithDaily({ refuseReplace: true, refuseDeleteOf: /\.old-/ });
    try {
      const failure = await uploadDaily(peer).then(
        () => assert.fail('the upload succeeded'),
        (error: Error) => error.message,
      );
      const aside = (await incoming(peer)).find((name) => name !== 'daily.csv') ?? '';
      assert.match(aside, /^\.daily\.csv\.old-[0-9a-f]{8}$/);
      assert.deepEqual((await incoming(peer)).sort(), [aside, 'daily.csv']);
      assert.equal(
        failure,
        `uploading data.csv to /incoming/daily.csv on 127.0.0.1:${peer.port} failed: daily.csv was replaced, but the old daily.csv, moved aside to ${aside}, could not be deleted (550 deleting is not allowed); it is still there`,
      );
      assert.equal((await remote(peer, 'daily.csv')).toString(), 'the new content\n');
      assert.equal((await remote(peer, aside)).toString(), 'the old content\n');
    } finally {
      await peer.close();
    }
  });

  it('leaves a folder of the name alone', async () => {
    const peer = await peerWith();
    try {
      await mkdir(join(peer.root, 'incoming', 'daily.csv'));
      await assert.rejects(uploadDaily(peer), {
        message: new RegExp(
          `${dailyFailed(peer)}the server refused to rename \\.daily\\.csv\\.part-[0-9a-f]{8} to daily\\.csv \\(550 .+\\); daily\\.csv is a folder and was left as it was$`,
        ),
      });
      assert.deepEqual(await incoming(peer), ['daily.csv']);
      assert.deepEqual(await readdir(join(peer.root, 'incoming', 'daily.csv')), []);
    } finally {
      await peer.close();
    }
  });

  it('makes data connections to the server it checked, whatever address PASV names', async () => {
    // 192.0.2.1 (TEST-NET-1) reaches nothing: a data connection there would fail.
    const peer = await peerWith({ pasvAddress: '192.0.2.1' });
    try {
      const config = { ...login, port: peer.port, security: 'none', remoteFolder: '/incoming' };
      await upload(config);
      assert.ok(peer.passiveAnswers > 0, 'the upload went through PASV');
      assert.equal((await remote(peer, 'data.csv')).toString(), 'a,b\n');
    } finally {
      await peer.close();
    }
  });

  it('stops a transfer at once when the run is stopped, closing the connection', async () => {
    const peer = await peerWith({ stallWrites: true });
    const d = await componentHarness();
    try {
      await d.file('data.csv', 'a,b\n');
      // The longest timeout: only closing the connection ends the wait in time.
      const config = {
        ...login,
        port: peer.port,
        security: 'none',
        remoteFolder: '/incoming',
        timeoutSeconds: 600,
      };
      const uploading = ftpUploadAction.run(d.configFor(ftpUploadAction, config), d.action);
      await peer.writeStarted();
      d.controller.abort('canceled');
      const outcome = await Promise.race([
        uploading.then(
          () => 'finished',
          (error: Error) => error.message,
        ),
        sleep(5000, 'still waiting after 5 s', { ref: false }),
      ]);
      assert.equal(outcome, 'stopped');
    } finally {
      await d.dispose();
      await peer.close();
    }
  });

  it('says when the server cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(upload({ ...login, port, security: 'none' }), {
      message: new RegExp(`^could not reach FTP server 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`),
    });
  });

  it('says when the host accepts the connection but never answers', async () => {
    const silent = await fakeService(() => {});
    try {
      await assert.rejects(
        upload({ ...login, port: silent.port, security: 'none', timeoutSeconds: 1 }),
        { message: `FTP server 127.0.0.1:${silent.port} did not answer within 1 s` },
      );
    } finally {
      await silent.close();
    }
  });

  it('says when the host closes the connection without a greeting, quoting nothing', async () => {
    const web = await fakeService((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    try {
      await assert.rejects(upload({ ...login, port: web.port, security: 'none' }), {
        message: `FTP server 127.0.0.1:${web.port} closed the connection without a greeting`,
      });
    } finally {
      await web.close();
    }
  });

  it('checks the login and the CA certificate when the task is saved', () => {
    const config = {
      host: 'files.example.com',
      security: 'explicit',
      user: 'planner',
      verifyCertificate: true,
    };
    const check = (extra: Record<string, unknown>) =>
      ftpUploadAction.check?.({ ...config, ...extra }, '/actions/0/config', 'UTC');
    assert.deepEqual(check({}), [
      {
        path: '/actions/0/config/password',
        message: 'give the password (or log in as anonymous)',
      },
    ]);
    assert.deepEqual(check({ user: 'anonymous' }), []);
    assert.deepEqual(check({ password: 'secret', caCertificate: 'not a certificate' }), [
      {
        path: '/actions/0/config/caCertificate',
        message: 'give one or more certificates in PEM (-----BEGIN CERTIFICATE-----)',
      },
    ]);
    const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----';
    assert.match(
      check({ password: 'secret', caCertificate: broken })?.[0]?.message ?? '',
      /^certificate 1 cannot be read: /,
    );
  });

  it('refuses a CA certificate with certificate checking off, and a port out of range', async () => {
    const peer = await peerWith({ tls: 'explicit' });
    const d = await componentHarness();
    try {
      const config = { ...login, port: peer.port, caCertificate: peer.certificate };
      assert.throws(() => d.configFor(ftpUploadAction, { ...config, verifyCertificate: false }), {
        message: /a CA certificate is only used when verifyCertificate is on/,
      });
      assert.throws(() => d.configFor(ftpUploadAction, { ...config, port: 70000 }), {
        message: /invalid config: .*\/port/,
      });
      assert.throws(() => d.configFor(ftpUploadAction, { ...config, security: 'ssl' }), {
        message: /invalid config: .*\/security/,
      });
    } finally {
      await d.dispose();
      await peer.close();
    }
  });
});

for (const backend of await backends()) {
  describe(`ftp-upload through the engine on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    let peer: FtpPeer;
    let alice: ApiClient;
    let bob: ApiClient;
    before(async () => {
      peer = await startFtpPeer([{ user: 'uploader', password: 'ftp-run-secret' }], {
        tls: 'explicit',
      });
      t = await startEngineApp(backend, 'ftp-upload');
      alice = (await t.user('alice', ['taskplanner', 'action.ftp'])).client;
      bob = (await t.user('bob', ['taskplanner'])).client;
    });
    after(async () => {
      await t?.close();
      await peer?.close();
    });

    const task = () => ({
      jobs: [{ kind: 'file', config: { name: 'out.txt', content: 'hello ftp' } }],
      actions: [
        {
          id: 'upload',
          kind: 'ftp-upload',
          config: {
            host: '127.0.0.1',
            port: peer.port,
            user: 'uploader',
            password: 'ftp-run-secret',
            caCertificate: peer.certificate,
            remoteFolder: '/',
            fileName: '{filename}-{date}',
          },
        },
      ],
    });

    it('uploads the job file over explicit TLS, its password kept masked in the task', async () => {
      const run = await runTask(t, alice, task());
      assert.equal(run.status, 'succeeded', JSON.stringify(run.items));
      assert.equal(await readFile(join(peer.root, 'out-2026-03-02.txt'), 'utf8'), 'hello ftp');
      assert.deepEqual(await readdir(peer.root), ['out-2026-03-02.txt']);
      const stored = await alice.get(`/api/v1/tasks/${run.taskId}`);
      assert.equal(stored.body.actions[0].config.password, SECRET_MASK);
      assert.equal(stored.body.actions[0].config.security, 'explicit');
      const log = await alice.get(`/api/v1/runs/${run.id}/log`);
      assert.match(String(log.body), /uploaded out\.txt to \/out-2026-03-02\.txt \(9 bytes\)/);
      assert.doesNotMatch(String(log.body), /ftp-run-secret/);
    });

    it('fails for an owner without action.ftp, connecting to nothing', async () => {
      const connections = peer.connections;
      const run = await runTask(t, bob, task());
      assert.equal(run.status, 'failed');
      assert.equal(
        actionOutcome(run).message,
        "action upload (ftp-upload) needs the permission 'action.ftp', which the owner 'bob' does not hold",
      );
      assert.equal(peer.connections, connections, 'no connection was made');
    });
  });
}
