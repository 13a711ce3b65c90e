import { Type } from '@sinclair/typebox';
import { placeholderPattern } from '../../../domain/placeholders.ts';
import type { ComponentContext } from '../../run-context.ts';

/** A file name split at its last dot: "report.csv" is {stem: "report", ext: ".csv"}. */
export function splitExtension(name: string): { stem: string; ext: string } {
  const dot = name.lastIndexOf('.');
  // A leading dot starts a hidden name (".profile"), not an extension.
  if (dot <= 0) return { stem: name, ext: '' };
  return { stem: name.slice(0, dot), ext: name.slice(dot) };
}

/** Throws unless name is a plain file name: no folder part, no "..", nothing that escapes. */
export function assertPlainName(name: string): void {
  if (name.trim() === '' || name === '.' || name === '..') {
    throw new Error(`the file name '${name}' is not a usable name`);
  }
  if (/[/\\\0]/.test(name)) {
    throw new Error(`the file name '${name}' contains a path separator; give a plain file name`);
  }
}

/**
 * The name a file result gets under a file-name format: the format filled with {filename}
 * (the result's name without its extension) and the other placeholders, then the result's
 * extension, which the format cannot change.
 */
export function formatFileName(
  context: Pick<ComponentContext, 'fill'>,
  format: string,
  resultName: string,
): string {
  const { stem, ext } = splitExtension(resultName);
  const name = context.fill(format, { filename: stem }) + ext;
  assertPlainName(name);
  return name;
}

/** The name keep-both picks for the n-th copy: "report (2).csv". */
export function numberedName(name: string, n: number): string {
  const { stem, ext } = splitExtension(name);
  return `${stem} (${n})${ext}`;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether a file name could have come from this format and extension: each placeholder
 * matches any text, and a keep-both number " (n)" may follow.
 */
export function formatMatcher(format: string, ext: string): (name: string) => boolean {
  const literal = format.split(placeholderPattern()).filter((_, index) => index % 3 === 0);
  const stem = new RegExp(`^${literal.map(escapeRegExp).join('.*')}( \\(\\d+\\))?$`, 's');
  return (name) => {
    const parts = splitExtension(name);
    return parts.ext === ext && stem.test(parts.stem);
  };
}

/** The file-name format field shared by the actions that name files. */
export const FileNameFormat = Type.String({
  minLength: 1,
  maxLength: 255,
  default: '{filename}',
  // Filled by the action, per file: {filename} is only known then, and deleteOlderThanDays needs the raw format.
  placeholders: false,
  description:
    "Name of each file: {filename} is the result's name without extension, plus {date}, {time} and the task's placeholders; the result's extension is kept",
});
