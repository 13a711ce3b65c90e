import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import {
  hasSecretFields,
  mapConfigStrings,
  type FieldAnnotations,
} from '../../src/domain/config-fields.ts';

/** Every string of config by JSON pointer, with the annotations its field has. */
function annotations(schema: unknown, config: unknown): Record<string, FieldAnnotations> {
  const found: Record<string, FieldAnnotations> = {};
  mapConfigStrings(schema, config, (text, field, path) => {
    found[path] = field;
    return text;
  });
  return found;
}

const NONE = { destination: false, folder: false, dataSource: false };
const PLAIN: FieldAnnotations = { secret: false, placeholders: true, ...NONE };
const SECRET: FieldAnnotations = { secret: true, placeholders: true, ...NONE };
const RAW: FieldAnnotations = { secret: false, placeholders: false, ...NONE };

describe('mapConfigStrings', () => {
  it('finds secret and placeholders:false fields through nested objects', () => {
    const schema = Type.Object({
      name: Type.String(),
      server: Type.Object({
        host: Type.String(),
        auth: Type.Object({
          user: Type.String(),
          password: Type.String({ secret: true }),
        }),
      }),
      sql: Type.String({ placeholders: false }),
    });
    const config = {
      name: 'n',
      server: { host: 'h', auth: { user: 'u', password: 'p' } },
      sql: 's',
    };
    assert.deepEqual(annotations(schema, config), {
      '/name': PLAIN,
      '/server/host': PLAIN,
      '/server/auth/user': PLAIN,
      '/server/auth/password': SECRET,
      '/sql': RAW,
    });
  });

  it('finds folder and dataSource fields, also in a branch of a union', () => {
    const schema = Type.Object({
      source: Type.Union([
        Type.Object({ file: Type.String({ folder: true }) }),
        Type.Object({ url: Type.String() }),
      ]),
      dataSource: Type.String({ dataSource: true }),
    });
    const config = { source: { file: '/srv/a.ics' }, dataSource: 'sales' };
    assert.deepEqual(annotations(schema, config), {
      '/source/file': { ...PLAIN, folder: true },
      '/dataSource': { ...PLAIN, dataSource: true },
    });
  });

  it('passes an annotation of an object or array on to everything below it', () => {
    const schema = Type.Object({
      credentials: Type.Object(
        { a: Type.String(), b: Type.Object({ c: Type.String() }) },
        {
          secret: true,
        },
      ),
      queries: Type.Array(Type.Object({ text: Type.String() }), { placeholders: false }),
    });
    const config = { credentials: { a: 'x', b: { c: 'y' } }, queries: [{ text: 'q' }] };
    assert.deepEqual(annotations(schema, config), {
      '/credentials/a': SECRET,
      '/credentials/b/c': SECRET,
      '/queries/0/text': RAW,
    });
  });

  it('annotates every item of an array by its items schema', () => {
    const schema = Type.Object({
      tokens: Type.Array(Type.String({ secret: true })),
      recipients: Type.Array(
        Type.Object({ address: Type.String(), key: Type.String({ secret: true }) }),
      ),
    });
    const config = {
      tokens: ['t0', 't1'],
      recipients: [
        { address: 'a0', key: 'k0' },
        { address: 'a1', key: 'k1' },
      ],
    };
    assert.deepEqual(annotations(schema, config), {
      '/tokens/0': SECRET,
      '/tokens/1': SECRET,
      '/recipients/0/address': PLAIN,
      '/recipients/0/key': SECRET,
      '/recipients/1/address': PLAIN,
      '/recipients/1/key': SECRET,
    });
  });

  it('looks into every branch of anyOf, oneOf and allOf', () => {
    const bearer = Type.Object({
      type: Type.Literal('bearer'),
      token: Type.String({ secret: true }),
    });
    const basic = Type.Object({
      type: Type.Literal('basic'),
      user: Type.String(),
      password: Type.String({ secret: true }),
    });
    const schema = {
      type: 'object',
      properties: {
        auth: Type.Union([bearer, basic]),
        either: { oneOf: [{ type: 'string', secret: true }, { type: 'number' }] },
        both: { allOf: [{ type: 'object' }, { properties: { q: { placeholders: false } } }] },
      },
    };
    assert.deepEqual(annotations(schema, { auth: { type: 'bearer', token: 't' } }), {
      '/auth/type': PLAIN,
      '/auth/token': SECRET,
    });
    assert.deepEqual(annotations(schema, { auth: { type: 'basic', user: 'u', password: 'p' } }), {
      '/auth/type': PLAIN,
      '/auth/user': PLAIN,
      '/auth/password': SECRET,
    });
    assert.deepEqual(annotations(schema, { either: 'e', both: { q: 'q', r: 'r' } }), {
      '/either': SECRET,
      '/both/q': RAW,
      '/both/r': PLAIN,
    });
  });

  it('treats a field as secret when any branch of a union says so', () => {
    const schema = Type.Object({
      value: Type.Union([
        Type.Object({ key: Type.String() }),
        Type.Object({ key: Type.String({ secret: true }) }),
      ]),
    });
    assert.deepEqual(annotations(schema, { value: { key: 'k' } }), { '/value/key': SECRET });
  });

  it('finds nested unions inside unions', () => {
    const schema = {
      anyOf: [
        { type: 'null' },
        { anyOf: [{ type: 'object', properties: { password: { secret: true } } }] },
      ],
    };
    assert.deepEqual(annotations(schema, { password: 'p' }), { '/password': SECRET });
  });

  it('uses additionalProperties for keys the schema does not name, properties for the rest', () => {
    const schema = Type.Object({
      headers: Type.Object({}, { additionalProperties: Type.String({ secret: true }) }),
      extra: Type.Object(
        { visible: Type.String() },
        { additionalProperties: Type.String({ placeholders: false }) },
      ),
    });
    const config = {
      headers: { Authorization: 'Bearer x', 'X-Key': 'k' },
      extra: { visible: 'v', other: 'o' },
    };
    assert.deepEqual(annotations(schema, config), {
      '/headers/Authorization': SECRET,
      '/headers/X-Key': SECRET,
      '/extra/visible': PLAIN,
      '/extra/other': RAW,
    });
  });

  it('annotates the values of a TypeBox Record (patternProperties)', () => {
    const schema = Type.Object({
      headers: Type.Record(Type.String(), Type.String({ secret: true })),
      raw: Type.Record(Type.String(), Type.String({ placeholders: false })),
    });
    const config = { headers: { Authorization: 'Bearer x' }, raw: { q: 'select {x}' } };
    assert.deepEqual(annotations(schema, config), {
      '/headers/Authorization': SECRET,
      '/raw/q': RAW,
    });
  });

  it('maps a key the schema does not know (additionalProperties true or absent) as plain', () => {
    const schema = { type: 'object', properties: {}, additionalProperties: true };
    assert.deepEqual(annotations(schema, { stray: 's', deep: { x: 'y' } }), {
      '/stray': PLAIN,
      '/deep/x': PLAIN,
    });
  });

  it('maps every string as plain without a schema', () => {
    assert.deepEqual(annotations(undefined, { a: 'x', b: ['y'] }), { '/a': PLAIN, '/b/0': PLAIN });
    assert.deepEqual(annotations(Type.String({ secret: true }), 'top'), { '': SECRET });
  });

  it('returns a changed copy, leaving the config and non-strings as they are', () => {
    const schema = Type.Object({
      password: Type.String({ secret: true }),
      nested: Type.Object({ note: Type.String() }),
    });
    const config = {
      password: 'p',
      port: 25,
      on: true,
      none: null,
      nested: { note: 'n' },
      list: [1],
    };
    const frozen = structuredClone(config);
    const mapped = mapConfigStrings(schema, config, (text, field) =>
      field.secret ? `<${text}>` : text.toUpperCase(),
    );
    assert.deepEqual(mapped, {
      password: '<p>',
      port: 25,
      on: true,
      none: null,
      nested: { note: 'N' },
      list: [1],
    });
    assert.deepEqual(config, frozen);
    assert.notEqual((mapped as { nested: unknown }).nested, config.nested);
  });

  it('annotates the real settings schema of the SMTP server', async () => {
    const { SmtpInput, SettingsPatch } = await import('../../src/domain/settings-schema.ts');
    const smtp = { host: 'h', port: 25, secure: false, user: 'u', password: 'p', from: 'f' };
    const found = annotations(SettingsPatch, { smtp, folderRoots: ['/srv'] });
    assert.deepEqual(found['/smtp/password'], SECRET);
    assert.deepEqual(found['/smtp/host'], PLAIN);
    assert.deepEqual(found['/folderRoots/0'], PLAIN);
    assert.ok(hasSecretFields(SmtpInput));
  });
});

describe('hasSecretFields', () => {
  it('is true when any field, however deep, is secret', () => {
    const deep = Type.Object({
      a: Type.Array(Type.Union([Type.Null(), Type.Object({ b: Type.String({ secret: true }) })])),
    });
    assert.equal(hasSecretFields(deep), true);
    assert.equal(hasSecretFields(Type.Record(Type.String(), Type.String({ secret: true }))), true);
  });

  it('is false when no field is secret (placeholders:false alone is not secret)', () => {
    const schema = Type.Object({ sql: Type.String({ placeholders: false }), n: Type.Number() });
    assert.equal(hasSecretFields(schema), false);
    assert.equal(hasSecretFields(Type.Object({ s: Type.String({ secret: false }) })), false);
  });
});
