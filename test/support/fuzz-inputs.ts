import fc from 'fast-check';

/** The seed of every generated value, so a failure repeats. */
export const FUZZ_SEED = 20260901;

/** One hostile request body: raw text sent with a content type. */
export interface HostileBody {
  name: string;
  payload: string;
  contentType: string;
}

const JSON_TYPE = 'application/json';

/** Strings that have broken servers: traversal, injection, templates, markup, control bytes. */
export const HOSTILE_STRINGS: readonly string[] = [
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  "' OR 1=1 --",
  '"; DROP TABLE tasks; --',
  '%00',
  'a\u0000b',
  '\u0000',
  '{{7*7}}',
  '${7*7}',
  '<script>alert(1)</script>',
  '\r\nSet-Cookie: injected=1',
  '\ud800',
  '__proto__',
  '-1',
  '1e309',
  ' ',
  '',
  ...fc.sample(fc.string({ unit: 'binary', maxLength: 24 }), { seed: FUZZ_SEED, numRuns: 4 }),
];

/** Every byte of the UTF-8 form percent-encoded but letters and digits (lone surrogates too). */
function percentEncoded(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).padStart(2, '0')}`,
    )
    .join('');
}

/** Path segments for ids: the hostile strings encoded, and raw ones a router must survive. */
export const HOSTILE_IDS: readonly string[] = [
  ...HOSTILE_STRINGS.filter((value) => value !== '').map(percentEncoded),
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e',
  '%E0%A4%A',
  '%',
  'x'.repeat(5000),
];

/** Raw JSON text nested depth levels deep: arrays, or objects under one key. */
export function nested(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Bodies that are not JSON, or JSON of the wrong shape, or JSON too deep or too big. */
export function hostileBodies(base: unknown): HostileBody[] {
  const valid = JSON.stringify(base ?? {});
  const json = (name: string, payload: string) => ({ name, payload, contentType: JSON_TYPE });
  return [
    json('malformed: truncated', '{"name": '),
    json('malformed: single quotes', "{'name': 'x'}"),
    json('malformed: trailing comma', '{"name": "x",}'),
    json('malformed: bare word', 'undefined'),
    json('malformed: NUL byte', '\u0000'),
    json('malformed: byte order mark', `\ufeff${valid}`),
    json('JSON null', 'null'),
    json('JSON number', '1e309'),
    json('JSON string', '"text"'),
    json('an array for the object', `[${valid}]`),
    json('prototype key', withKey('"__proto__": {"polluted": true}', valid)),
    json('constructor key', '{"constructor": {"prototype": {"polluted": true}}}'),
    json('lone surrogate escape', '{"name": "\\ud800"}'),
    json('arrays 10,000 deep', nested(10_000, 'array')),
    json('objects 10,000 deep', nested(10_000, 'object')),
    json('a 2 MB string field', JSON.stringify({ ...asObject(base), name: 'x'.repeat(2 << 20) })),
    { name: 'text/plain', payload: valid, contentType: 'text/plain' },
    {
      name: 'application/xml',
      payload: '<task><name>x</name></task>',
      contentType: 'application/xml',
    },
    {
      name: 'multipart',
      payload: '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--\r\n',
      contentType: 'multipart/form-data; boundary=b',
    },
    {
      name: 'form',
      payload: 'name=x&__proto__[polluted]=1',
      contentType: 'application/x-www-form-urlencoded',
    },
    { name: 'JSON as UTF-16', payload: valid, contentType: 'application/json; charset=utf-16' },
    { name: 'JSON lookalike type', payload: valid, contentType: 'application/jsonx' },
  ];
}

/** The JSON text of an object with one more member first. */
function withKey(member: string, object: string): string {
  return object.startsWith('{') && object !== '{}'
    ? `{${member}, ${object.slice(1)}`
    : `{${member}}`;
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** Every path into a JSON value (object keys and array indexes), up to a depth. */
export function pathsOf(value: unknown, depth = 4, prefix: Array<string | number> = []) {
  const paths: Array<Array<string | number>> = [];
  if (depth === 0 || typeof value !== 'object' || value === null) return paths;
  const entries = Array.isArray(value)
    ? value.map((item, index) => [index, item] as const)
    : Object.entries(value);
  for (const [key, child] of entries) {
    paths.push([...prefix, key]);
    paths.push(...pathsOf(child, depth - 1, [...prefix, key]));
  }
  return paths;
}

/** A copy of the value with the value at the path replaced. */
function replaced(value: unknown, path: ReadonlyArray<string | number>, by: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return by;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  copy[head] = replaced(copy[head], rest, by);
  return copy;
}

/** What a field is replaced by: the wrong type, hostile text, too much of it, or depth. */
function fieldValues(current: unknown): Array<[string, unknown]> {
  const text: Array<[string, unknown]> = HOSTILE_STRINGS.slice(0, 10).map((value) => [
    `text ${JSON.stringify(value).slice(0, 30)}`,
    value,
  ]);
  const confused: Array<[string, unknown]> = [
    ['a number as a string', typeof current === 'number' ? String(current) : '12'],
    ['a string as a number', typeof current === 'string' ? 12 : Number.MAX_SAFE_INTEGER + 2],
    ['an array for the value', [current]],
    ['an object for the value', { value: current }],
    ['null', null],
    ['true', true],
    ['a 100 kB string', 'x'.repeat(100_000)],
  ];
  const generated = fc
    .sample(fc.jsonValue({ maxDepth: 3 }), { seed: FUZZ_SEED, numRuns: 2 })
    .map((value, index): [string, unknown] => [`generated JSON ${index}`, value]);
  return [...text, ...confused, ...generated];
}

const DEEP = '"__fuzz_deep__"';

/** The base body with one field changed at a time, as raw JSON text. */
export function fieldMutations(base: unknown): HostileBody[] {
  const bodies: HostileBody[] = [];
  for (const path of pathsOf(base)) {
    const current = path.reduce<any>((value, key) => value?.[key], base);
    const where = `/${path.join('/')}`;
    for (const [what, by] of fieldValues(current)) {
      const payload = JSON.stringify(replaced(base, path, by));
      bodies.push({ name: `${where}: ${what}`, payload, contentType: JSON_TYPE });
    }
    const deep = JSON.stringify(replaced(base, path, '__fuzz_deep__'));
    bodies.push({
      name: `${where}: objects 10,000 deep`,
      payload: deep.replace(DEEP, nested(10_000, 'object')),
      contentType: JSON_TYPE,
    });
  }
  return bodies;
}

/** Query strings: hostile values for each named parameter, and shapes parsers trip over. */
export function hostileQueries(parameters: readonly string[]): string[] {
  const named = parameters.flatMap((name) =>
    HOSTILE_IDS.filter((value) => value.length < 1000).map((value) => `${name}=${value}`),
  );
  return [
    ...named,
    ...parameters.map((name) => `${name}=1&${name}=2`),
    ...parameters.map((name) => `${name}[]=1`),
    '__proto__[polluted]=1',
    'constructor[prototype][polluted]=1',
    '%00=%00',
    'a=%E0%A4%A',
    `q=${'x'.repeat(10_000)}`,
  ];
}

/** Credentials no login has: broken Basic and Bearer headers, and session cookies. */
export function hostileCredentials(): Array<{ name: string; headers: Record<string, string> }> {
  const basic = (text: string) => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`;
  const headers = HOSTILE_STRINGS.flatMap((value) => [
    { name: `Basic login ${JSON.stringify(value)}`, authorization: basic(`${value}:secret-value`) },
    { name: `Basic password ${JSON.stringify(value)}`, authorization: basic(`admin:${value}`) },
    { name: `Bearer ${JSON.stringify(value)}`, authorization: `Bearer tpat_${value}` },
    {
      name: `cookie ${JSON.stringify(value)}`,
      cookie: `taskplanner_session=${percentEncoded(value)}`,
    },
  ]);
  const odd = [
    { name: 'Basic without a colon', authorization: basic('admin') },
    { name: 'Basic not base64', authorization: 'Basic %%%' },
    { name: 'Basic empty', authorization: 'Basic ' },
    { name: 'unknown scheme', authorization: 'Digest username="admin"' },
    { name: 'a 10 kB Bearer', authorization: `Bearer tpat_${'x'.repeat(10_000)}` },
    { name: 'a 10 kB Basic', authorization: basic(`${'x'.repeat(10_000)}:y`) },
  ];
  return [...headers, ...odd].map(({ name, ...rest }) => ({
    name,
    headers: Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, latin1(value)])),
  }));
}

/** A header value as HTTP carries it: characters outside Latin-1 percent-encoded. */
function latin1(value: string): string {
  return [...value]
    .map((char) => (char.charCodeAt(0) > 0xff ? percentEncoded(char) : char))
    .join('');
}
