const NAMES: Readonly<Record<string, string>> = {
  intervals: 'interval',
  exclude: 'excluded date',
  times: 'time',
  weekdays: 'weekday',
  days: 'day',
  months: 'month',
};

/** A JSON pointer inside a schedule in words: /intervals/0/times/1 is "interval 1, time 2". */
export function issueLocation(path: string): string {
  const segments = path.split('/').filter((segment) => segment !== '');
  const words: string[] = [];
  for (const [index, segment] of segments.entries()) {
    const next = segments[index + 1];
    if (/^\d+$/.test(segment)) continue;
    if (next !== undefined && /^\d+$/.test(next))
      words.push(`${NAMES[segment] ?? segment} ${Number(next) + 1}`);
    else words.push(segment);
  }
  return words.length === 0
    ? 'The schedule'
    : words.join(', ').replace(/^./, (first) => first.toUpperCase());
}
