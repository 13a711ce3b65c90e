// End-to-end harness: a real `taskplanner serve` child serving the built UI, driven by
// Debian's chromium through playwright-core (never a downloaded browser).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import {
  basicAuth,
  freePort,
  httpJson,
  ROOT,
  spawnServer,
  tempDir,
  untilHealthy,
  waitFor,
  type HttpResult,
  type ProcessEnv,
  type ServerProcess,
} from './processes.ts';

/** Debian's chromium, which .ci/run installs when it is missing. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Where the tests save screenshots of the pages (gitignored). */
export const SCREENSHOT_DIR = join(ROOT, 'test-output', 'screenshots');

/** The zone the browser pretends to be in: not the tasks' zone, so pages show both. */
export const BROWSER_ZONE = 'America/New_York';

/** The password the harness gives the built-in admin. */
export const ADMIN_PASSWORD = 'first-boss-e2e-1';

const WEB_INDEX = join(ROOT, 'dist', 'web', 'index.html');
const BUILD_LOCK = join(ROOT, 'test-output', '.build-web.lock');
const BUILD_TIMEOUT_MS = 120_000;

/**
 * How long the server may take to answer /healthz: tsx compiles the sources at each start,
 * which takes 20 s and more on a busy two-core CI machine (startServer allows 30 s).
 */
const SERVER_START_MS = 90_000;

/** Chromium without the sandbox (containers), the GPU, or anything that calls home. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

/**
 * Null when chromium is installed; otherwise why the browser tests skip. Under CI=true a
 * missing browser is an error, so the end-to-end tests can never be skipped silently there.
 */
export function browserUnavailable(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null;
  const reason = `${CHROMIUM_PATH} is missing (apt-get install chromium; .ci/run does it)`;
  if (process.env.CI === 'true') throw new Error(`${reason}; CI=true requires it`);
  console.log(`# skipping browser tests: ${reason}`);
  return reason;
}

function runBuild(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'build:web'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), BUILD_TIMEOUT_MS);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`npm run build:web failed (code ${code})\n${output}`));
    });
  });
}

/** Takes the build lock; false when another test file holds it. */
function takeLock(): boolean {
  try {
    mkdirSync(BUILD_LOCK);
    return true;
  } catch {
    return false;
  }
}

/** A lock older than any build is left by a killed run: nobody is building any more. */
function removeStaleLock(): void {
  try {
    if (Date.now() - statSync(BUILD_LOCK).mtimeMs > BUILD_TIMEOUT_MS) {
      rmSync(BUILD_LOCK, { recursive: true, force: true });
    }
  } catch {
    // No lock.
  }
}

/**
 * Builds the UI once when dist/web lacks it (npm install normally has). Test files run in
 * parallel, so the first one to take the lock builds and the others wait for its result.
 */
export async function ensureWebBuilt(): Promise<void> {
  if (existsSync(WEB_INDEX)) return;
  mkdirSync(join(ROOT, 'test-output'), { recursive: true });
  removeStaleLock();
  if (!takeLock()) {
    const settled = () => existsSync(WEB_INDEX) || !existsSync(BUILD_LOCK);
    await waitFor(settled, { timeoutMs: BUILD_TIMEOUT_MS, intervalMs: 250 });
    if (existsSync(WEB_INDEX)) return;
    throw new Error('dist/web/index.html is missing and another build of it did not finish');
  }
  try {
    await runBuild();
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
  if (!existsSync(WEB_INDEX))
    throw new Error('npm run build:web did not write dist/web/index.html');
}

/** A user's login and password. */
export interface Credentials {
  login: string;
  password: string;
}

/** One server and one browser for a test file; each test opens its own context (cookies). */
export interface UiHarness {
  server: ServerProcess;
  url: string;
  browser: Browser;
  admin: Credentials;
  /** A page in a fresh browser context (no cookies), closed by close(). */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** Calls the API as a user over HTTP Basic; path is under /api/v1. */
  api<T = any>(
    method: string,
    path: string,
    options?: { as?: Credentials; body?: unknown },
  ): Promise<HttpResult<T>>;
  /** Closes the browser, stops the server and removes its data. */
  close(): Promise<void>;
}

/** startServer() with more time to become healthy; another port if the first was taken. */
async function startPatiently(env: ProcessEnv): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt++) {
    const port = String(await freePort());
    try {
      return await untilHealthy(spawnServer({ ...env, TASKPLANNER_PORT: port }), SERVER_START_MS);
    } catch (error) {
      if (attempt >= 3 || !String(error).includes('EADDRINUSE')) throw error;
    }
  }
}

/** Starts the server (SQLite in a temp folder) and chromium; close() undoes both. */
export async function startUi(): Promise<UiHarness> {
  await ensureWebBuilt();
  const data = tempDir('e2e');
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    data.remove();
  };
  try {
    server = await startPatiently({
      TASKPLANNER_DATA_DIR: data.path,
      TASKPLANNER_ADMIN_PASSWORD: ADMIN_PASSWORD,
    });
    // launch() gives chromium a fresh temporary profile (removed on close) and refuses
    // --user-data-dir; a persistent profile would tie the browser to a single context.
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  } catch (error) {
    await close();
    throw error;
  }
  return harness(server, browser, close);
}

function harness(server: ServerProcess, browser: Browser, close: () => Promise<void>): UiHarness {
  const url = server.url;
  const admin = { login: 'admin', password: ADMIN_PASSWORD };
  return {
    server,
    url,
    browser,
    admin,
    async newPage(options = {}) {
      const context = await browser.newContext({
        baseURL: url,
        timezoneId: BROWSER_ZONE,
        locale: 'en-US',
        viewport: { width: 1280, height: 900 },
        ...options,
      });
      context.setDefaultTimeout(15_000);
      return context.newPage();
    },
    api(method, path, options = {}) {
      const who = options.as ?? admin;
      return httpJson(`${url}/api/v1${path}`, {
        method,
        authorization: basicAuth(who.login, who.password),
        ...(options.body === undefined ? {} : { body: options.body }),
      });
    },
    close,
  };
}

/** Saves a full-page screenshot as test-output/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
