import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FilterParser, type AndFilter, type EqualityFilter } from 'ldapts';
import { escapeFilterValue, userByLoginFilter } from '../../src/auth/ldap/ldap-filter.ts';
import { dnKey } from '../../src/domain/ldap-settings.ts';

/** The attribute and value of each part of an AND filter, as an LDAP library parses it. */
function partsOf(filter: string): Array<[string, string]> {
  const parsed = FilterParser.parseString(filter) as AndFilter;
  assert.equal(parsed.constructor.name, 'AndFilter', filter);
  return parsed.filters.map((part) => {
    assert.equal(part.constructor.name, 'EqualityFilter', `${filter}: ${part.toString()}`);
    const { attribute, value } = part as EqualityFilter;
    return [attribute, value.toString()];
  });
}

describe('escapeFilterValue', () => {
  it('escapes *, (, ), \\ and NUL as RFC 4515 hex pairs', () => {
    assert.equal(escapeFilterValue('*'), '\\2a');
    assert.equal(escapeFilterValue('('), '\\28');
    assert.equal(escapeFilterValue(')'), '\\29');
    assert.equal(escapeFilterValue('\\'), '\\5c');
    assert.equal(escapeFilterValue('\0'), '\\00');
    assert.equal(escapeFilterValue('*)(uid=*'), '\\2a\\29\\28uid=\\2a');
    assert.equal(escapeFilterValue('a\\2a'), 'a\\5c2a', 'an escape in the input stays literal');
  });

  it('leaves every other character as it is, non-ASCII and filter-neutral ones included', () => {
    for (const value of ['alice', 'a.b_c-d@example.test', 'Jürgen Ölmüller', '=&|!~<>:', '日本']) {
      assert.equal(escapeFilterValue(value), value);
    }
    assert.equal(escapeFilterValue(''), '');
  });
});

describe('userByLoginFilter', () => {
  it('ANDs the user filter with attribute = login', () => {
    assert.equal(
      userByLoginFilter('(objectClass=inetOrgPerson)', 'uid', 'alice'),
      '(&(objectClass=inetOrgPerson)(uid=alice))',
    );
    assert.deepEqual(partsOf(userByLoginFilter('(objectClass=person)', 'sAMAccountName', 'bob')), [
      ['objectClass', 'person'],
      ['sAMAccountName', 'bob'],
    ]);
  });

  it('keeps a login with filter characters one equality match of exactly that login', () => {
    for (const login of ['*', '*)(uid=*', 'x)(|(objectClass=*)', 'a\\29b', 'nul\0byte', '(']) {
      const filter = userByLoginFilter('(objectClass=inetOrgPerson)', 'uid', login);
      assert.deepEqual(partsOf(filter), [
        ['objectClass', 'inetOrgPerson'],
        ['uid', login],
      ]);
    }
  });
});

describe('dnKey', () => {
  it('ignores case and spaces around separators and at the ends', () => {
    const key = 'cn=finance,ou=groups,dc=example,dc=test';
    assert.equal(dnKey('CN=Finance,OU=Groups,DC=Example,DC=Test'), key);
    assert.equal(dnKey('  cn = finance , ou=groups,  dc=example ,dc=test  '), key);
    assert.equal(dnKey(key), key);
  });

  it('keeps spaces inside values and the parts of a multi-valued RDN', () => {
    assert.equal(dnKey('cn=Finance Leads,dc=test'), 'cn=finance leads,dc=test');
    assert.equal(dnKey('cn=A + uid=b,dc=test'), 'cn=a+uid=b,dc=test');
    assert.notEqual(dnKey('cn=finance,dc=test'), dnKey('cn=finance-leads,dc=test'));
  });

  it('keeps the space after an escaped comma, which belongs to the value (AD: CN=Smith\\, John)', () => {
    assert.equal(dnKey('CN=Smith\\, John,OU=People'), 'cn=smith\\, john,ou=people');
    assert.notEqual(dnKey('cn=Smith\\, John,dc=test'), dnKey('cn=Smith\\,John,dc=test'));
  });
});
