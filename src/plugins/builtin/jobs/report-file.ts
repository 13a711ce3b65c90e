/**
 * A safe file name from a user's template: no folders, no characters that file systems or
 * mail clients refuse, with the extension of its format added unless already there.
 */
export function reportFileName(name: string, extension: string): string {
  const cleaned = name
    .replace(/[/\\:*?"<>|\p{Cc}]/gu, '_')
    .replace(/^[.\s]+|[.\s]+$/g, '')
    .slice(0, 200);
  const base = cleaned === '' ? 'report' : cleaned;
  return base.toLowerCase().endsWith(extension) ? base : `${base}${extension}`;
}
