// What the end-to-end tests do in the browser more than once: log in, wait for text,
// check the layout. Not a test file itself (no .test.ts), so the runner does not run it.
import assert from 'node:assert/strict';
import type { BrowserContextOptions, Locator, Page } from 'playwright-core';
import { screenshot, type Credentials, type UiHarness } from '../support/browser.ts';
import { passwordOf } from '../support/passwords.ts';
import { waitFor } from '../support/processes.ts';
import { describeFocus, focusOutlineShown, pageWidths } from './in-page.ts';

/** Opens a page in a fresh context, runs fn, and closes the context; a failure leaves a screenshot. */
export async function withPage(
  ui: UiHarness,
  name: string,
  fn: (page: Page) => Promise<void>,
  options: BrowserContextOptions = {},
): Promise<void> {
  const page = await ui.newPage(options);
  try {
    await fn(page);
  } catch (error) {
    await screenshot(page, `failed-${name}`).catch(() => undefined);
    throw error;
  } finally {
    await page.context().close();
  }
}

/** The login form's fields (a fresh context shows it on any page). */
export function loginForm(page: Page) {
  return {
    login: page.getByRole('textbox', { name: 'Login' }),
    password: page.getByLabel('Password'),
    submit: page.getByRole('button', { name: 'Log in' }),
  };
}

/** Logs in through the form with the mouse, and waits for the page behind it. */
export async function logIn(page: Page, who: Credentials, path = '/tasks'): Promise<void> {
  await page.goto(path);
  const form = loginForm(page);
  await form.login.fill(who.login);
  await form.password.fill(who.password);
  await form.submit.click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}

/** The heading of the task list: it is shown. */
export function taskListHeading(page: Page): Locator {
  return page.getByRole('heading', { name: 'Tasks', level: 1, exact: true });
}

/** Creates a user through the API (HTTP Basic as admin). */
export async function createUser(
  ui: UiHarness,
  login: string,
  permissions: string[],
): Promise<Credentials & { id: string }> {
  const password = passwordOf(login);
  const answer = await ui.api<{ id: string }>('POST', '/users', {
    body: { login, password, displayName: login, permissions },
  });
  assert.equal(answer.status, 201, `creating ${login}: ${JSON.stringify(answer.body)}`);
  return { login, password, id: answer.body.id };
}

/** The focused element's tag, role and accessible name, for keyboard tests. */
export function focused(page: Page): Promise<{ tag: string; role: string; name: string }> {
  return page.evaluate(describeFocus);
}

/**
 * Presses Tab until the focused element's name matches, at most `limit` times; the names
 * passed on the way, so a failure shows the focus order.
 */
export async function tabTo(page: Page, name: RegExp, limit = 60): Promise<string[]> {
  const passed: string[] = [];
  for (let presses = 0; presses < limit; presses++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    passed.push(`${now.tag}${now.role ? `[${now.role}]` : ''} "${now.name}"`);
    if (name.test(now.name)) return passed;
  }
  assert.fail(
    `Tab never reached ${name} within ${limit} presses; focus went:\n${passed.join('\n')}`,
  );
}

/** Whether the focused element shows a focus outline (the :focus-visible style). */
export function focusIsVisible(page: Page): Promise<boolean> {
  return page.evaluate(focusOutlineShown);
}

/** Waits until the page has no horizontal scroll, and says by how much it overflows if not. */
export async function assertNoHorizontalScroll(page: Page, what: string): Promise<void> {
  const widths = () => page.evaluate(pageWidths);
  let last = await widths();
  await waitFor(
    async () => {
      last = await widths();
      return last.scroll <= last.inner;
    },
    { timeoutMs: 2_000 },
  );
  assert.ok(
    last.scroll <= last.inner,
    `${what} scrolls sideways: scrollWidth ${last.scroll} > innerWidth ${last.inner}`,
  );
}

/** Text with runs of white space (also no-break spaces) made one plain space. */
export function normalized(text: string | null): string {
  return (text ?? '').replace(/[\s\u00a0\u202f]+/g, ' ').trim();
}
