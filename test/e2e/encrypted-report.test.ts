// In the browser: an html-encrypted report opened from disk, with a wrong and the right password.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { QueryResult } from '../../src/plugins/run-host.ts';
import { writeReport } from '../../src/reports/write-report.ts';
import { browserUnavailable, CHROMIUM_PATH, screenshot } from '../support/browser.ts';

const skip = browserUnavailable() ?? false;

const PASSWORD = 'Grüße aus Zürich 2026';

/** Rows with markup in them: the page must show it as text. */
const report: QueryResult = {
  columns: ['id', 'city', 'note'],
  rows: [
    { id: 1, city: 'Zürich', note: '<img src=x onerror="document.title=\'pwned\'">' },
    { id: 2, city: 'Москва', note: '<script>document.title="pwned"</script>' },
    { id: 3, city: 'Ελλάδα', note: null },
  ],
};

describe('an encrypted HTML report in the browser', { skip }, () => {
  let browser: Browser | undefined;
  let folder = '';
  let url = '';

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tp-encrypted-e2e-'));
    const path = join(folder, 'Sales.html');
    await writeReport(report, 'html-encrypted', path, {
      title: 'Sales by city',
      sheetName: '',
      bom: false,
      password: PASSWORD,
    });
    url = pathToFileURL(path).href;
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
  });
  after(async () => {
    await browser?.close();
    await rm(folder, { recursive: true, force: true });
  });

  /** Opens the file in a fresh context; what the page requested and complained about. */
  async function opened(
    run: (page: Page, seen: { requests: string[]; errors: string[] }) => Promise<void>,
  ) {
    const context = await (browser ?? assert.fail('no browser')).newContext();
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    const seen = { requests: [] as string[], errors: [] as string[] };
    page.on('request', (request) => seen.requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') seen.errors.push(message.text());
    });
    page.on('pageerror', (error) => seen.errors.push(error.message));
    try {
      await page.goto(url);
      await run(page, seen);
    } finally {
      await context.close();
    }
  }

  async function submit(page: Page, password: string) {
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Open' }).click();
  }

  it('says "Wrong password" for a wrong one and shows nothing of the report', async () => {
    await opened(async (page, seen) => {
      assert.equal(
        await page.title(),
        'Encrypted report',
        'the title does not give the report away',
      );
      await submit(page, 'not the password');
      await page.getByRole('alert').filter({ hasText: 'Wrong password' }).waitFor();
      assert.equal(await page.locator('table').count(), 0, 'no table');
      assert.equal(await page.getByText('Zürich').count(), 0);
      assert.equal(await page.locator('#report').isHidden(), true);
      assert.equal(await page.getByLabel('Password').isVisible(), true, 'another try is possible');
      await screenshot(page, 'encrypted-report-wrong-password');
      assert.deepEqual(seen.requests, [url], 'the page loads nothing');
      assert.deepEqual(seen.errors, [], 'no script error or CSP violation');
    });
  });

  it('shows the table for the right password, its markup as text', async () => {
    await opened(async (page, seen) => {
      await submit(page, 'wrong first');
      await page.getByRole('alert').filter({ hasText: 'Wrong password' }).waitFor();
      await submit(page, PASSWORD);
      await page.locator('table').waitFor();
      await screenshot(page, 'encrypted-report-open');
      const cells = await page
        .locator('tbody tr')
        .evaluateAll((rows) =>
          rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent)),
        );
      assert.deepEqual(cells, [
        ['1', 'Zürich', '<img src=x onerror="document.title=\'pwned\'">'],
        ['2', 'Москва', '<script>document.title="pwned"</script>'],
        ['3', 'Ελλάδα', ''],
      ]);
      const headers = await page.locator('th').allTextContents();
      assert.deepEqual(headers, ['id', 'city', 'note']);
      assert.equal(await page.getByRole('heading', { name: 'Sales by city' }).isVisible(), true);
      assert.equal(await page.getByText('3 rows').isVisible(), true);
      assert.equal(await page.title(), 'Sales by city');
      assert.equal(
        await page.locator('tbody img, tbody script').count(),
        0,
        'no markup from cells',
      );
      assert.equal(await page.getByLabel('Password').isVisible(), false, 'the form is gone');
      assert.equal(
        await page.locator('td.number').first().textContent(),
        '1',
        'numbers keep their class',
      );
      assert.deepEqual(seen.requests, [url], 'the page loads nothing');
      assert.deepEqual(seen.errors, [], 'no script error or CSP violation');
    });
  });
});
