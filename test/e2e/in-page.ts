// Functions that run inside the page, through page.evaluate(fn): Playwright sends their source,
// so they may use only browser globals. The project's TypeScript has no DOM library (the
// server must not use it), so the few globals they need are declared here, in this module only.
declare const document: any;
declare const window: any;
declare const getComputedStyle: (element: unknown) => any;
declare const MutationObserver: any;

/** The focused element: its tag, role and accessible name (aria-label, labelledby, label, text). */
export function describeFocus(): { tag: string; role: string; name: string } {
  const element = document.activeElement;
  if (!element) return { tag: '', role: '', name: '' };
  const labelledBy = element.getAttribute('aria-labelledby');
  const byId = labelledBy ? document.getElementById(labelledBy)?.textContent : null;
  const label = element.labels?.[0]?.textContent;
  const name: string =
    element.getAttribute('aria-label') ?? byId ?? label ?? element.textContent ?? '';
  return {
    tag: String(element.tagName).toLowerCase(),
    role: element.getAttribute('role') ?? '',
    name: name.replace(/\s+/g, ' ').trim(),
  };
}

/** Whether the focused element draws a focus outline (the :focus-visible style). */
export function focusOutlineShown(): boolean {
  const element = document.activeElement;
  if (!element) return false;
  const style = getComputedStyle(element);
  return style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0;
}

/** How wide the page is against the window: wider means it scrolls sideways. */
export function pageWidths(): { scroll: number; inner: number } {
  return { scroll: document.documentElement.scrollWidth, inner: window.innerWidth };
}

/** The page's background colour, as CSS computes it (rgb(…)). */
export function bodyBackground(): string {
  return String(getComputedStyle(document.body).backgroundColor);
}

/**
 * Starts keeping every text the run log shows, in this document, so a test can tell that its
 * lines came one after another rather than all at once.
 */
export function recordLogTexts(): void {
  const texts: string[] = [];
  window.__logTexts = texts;
  const observer = new MutationObserver(() => {
    const text: string = document.querySelector('[aria-label="Run log"]')?.textContent ?? '';
    if (text !== texts.at(-1)) texts.push(text);
  });
  observer.observe(document.body, { childList: true, subtree: true, characterData: true });
}

/** The texts recordLogTexts() kept. */
export function recordedLogTexts(): string[] {
  return (window.__logTexts as string[] | undefined) ?? [];
}
