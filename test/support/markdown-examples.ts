import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The info string that marks a fenced block as a whole task definition the docs promise works. */
export const TASK_EXAMPLE_INFO = 'json task';

/** A fenced code block of a Markdown file. */
export interface CodeBlock {
  /** The file it is in, as given (a path relative to the repository). */
  file: string;
  /** The 1-based line of its opening fence. */
  line: number;
  /** The info string after the opening fence, trimmed: 'json task' for ```json task. */
  info: string;
  /** The text of the nearest ATX heading above it; null before the first heading. */
  heading: string | null;
  /** Its content, without the fences. */
  text: string;
}

/** An opening fence: indentation, three or more backticks or tildes, and the info string. */
const OPENING_FENCE = /^(\s*)(`{3,}|~{3,})(.*)$/;
const HEADING = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/;

/** Whether a line closes the block a fence opened (the same character, at least as many). */
function closes(line: string, fence: string): boolean {
  const closing = /^\s*(`{3,}|~{3,})\s*$/.exec(line)?.[1];
  return closing !== undefined && closing[0] === fence[0] && closing.length >= fence.length;
}

/** The lines of a block's content, with the fence's indentation taken off each. */
function contentOf(lines: readonly string[], indent: number): string {
  return lines.map((line) => line.replace(new RegExp(`^ {0,${indent}}`), '')).join('\n');
}

/**
 * The fenced code blocks of a Markdown text, in order. Fences may be indented (inside list
 * items), so no block hides from the scan; an unclosed fence runs to the end of the text.
 */
export function codeBlocksOf(markdown: string, file: string): CodeBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  let heading: string | null = null;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const opening = OPENING_FENCE.exec(line);
    const [, indent = '', fence = '', info = ''] = opening ?? [];
    // A backtick fence's info string cannot hold a backtick (that is inline code).
    if (!opening || (fence.startsWith('`') && info.includes('`'))) {
      heading = HEADING.exec(line)?.[1] ?? heading;
      continue;
    }
    let end = index + 1;
    while (end < lines.length && !closes(lines[end] ?? '', fence)) end++;
    const text = contentOf(lines.slice(index + 1, end), indent.length);
    blocks.push({ file, line: index + 1, info: info.trim(), heading, text });
    index = end;
  }
  return blocks;
}

/** Whether a block is tagged as a whole task definition (```json task). */
export function isTaskExample(block: CodeBlock): boolean {
  return block.info === TASK_EXAMPLE_INFO;
}

/**
 * Whether a block is JSON (its info string's first word is json) holding what reads as a
 * whole task: an object with a name and triggers, jobs or actions, and no id (a task as the
 * API answers it has one, an example to post does not).
 */
export function looksLikeWholeTask(block: CodeBlock): boolean {
  if (block.info.split(/\s+/)[0] !== 'json') return false;
  let value: unknown;
  try {
    value = JSON.parse(block.text);
  } catch {
    return false;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const parts = ['triggers', 'jobs', 'actions'];
  return 'name' in value && parts.some((part) => part in value) && !('id' in value);
}

/** README.md and every Markdown file under docs/, relative to the root, sorted. */
export function documentationFiles(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.md'))
    .map((path) => join('docs', path));
  return ['README.md', ...docs.sort()];
}
