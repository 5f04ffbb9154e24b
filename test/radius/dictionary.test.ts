import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  DictionaryError, decodeAttributes, encodeAttribute, formatValue, loadDictionaries, parseDictionaryText,
} from '../../src/radius/index.js';

// The shipped dictionaries, the facts portcullis relies on, and the "file:line: reason" an admin sees for a bad line.

const DICT_DIR = fileURLToPath(new URL('../../dictionaries', import.meta.url));
const shipped = readdirSync(DICT_DIR).filter((n) => n.startsWith('dictionary.')).sort();
const dict = loadDictionaries([DICT_DIR]);

/** A fresh folder holding the given files. */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-dict-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function loadError(folders: string[]): DictionaryError {
  try {
    loadDictionaries(folders);
  } catch (err) {
    if (err instanceof DictionaryError) return err;
    throw err;
  }
  throw new Error('expected a DictionaryError');
}

describe('shipped dictionaries', () => {
  it('all load together', () => {
    expect(shipped.length).toBeGreaterThanOrEqual(26);
    expect(dict.attributeCount).toBeGreaterThan(250);
  });

  for (const name of shipped) {
    it(`${name} loads on its own (its VALUEs sit next to their ATTRIBUTEs)`, () => {
      const path = join(DICT_DIR, name);
      expect(() => parseDictionaryText(readFileSync(path, 'utf8'), path)).not.toThrow();
    });
  }

  it('every file with definitions contributes them to the combined load', () => {
    const files = new Set([...dict.attributeNames()].map((n) => dict.attribute(n)!.file));
    for (const name of shipped) {
      const defines = /^ATTRIBUTE\s/m.test(readFileSync(join(DICT_DIR, name), 'utf8'));
      expect(files.has(join(DICT_DIR, name)), name).toBe(defines);
    }
  });
});

describe('facts', () => {
  it('standard attributes', () => {
    expect(dict.attribute('User-Name')).toMatchObject({ vendorId: 0, type: 1, dataType: 'string', hasTag: false, encrypt: 0 });
    expect(dict.attribute('User-Password')).toMatchObject({ type: 2, dataType: 'string', encrypt: 1 });
    expect(dict.attribute('Tunnel-Password')).toMatchObject({ vendorId: 0, type: 69, dataType: 'string', hasTag: true, encrypt: 2 });
    expect(dict.attribute('Tunnel-Private-Group-Id')).toMatchObject({ type: 81, dataType: 'string', hasTag: true, encrypt: 0 });
    expect(dict.attribute('Tunnel-Type')).toMatchObject({ type: 64, dataType: 'integer', hasTag: true });
    expect(dict.attribute('EAP-Message')).toMatchObject({ type: 79, dataType: 'octets', concat: true });
    expect(dict.attribute('Message-Authenticator')).toMatchObject({ type: 80, dataType: 'octets' });
    expect(dict.attribute('Event-Timestamp')).toMatchObject({ type: 55, dataType: 'date' });
    expect(dict.attribute('NAS-IPv6-Address')).toMatchObject({ type: 95, dataType: 'ipv6addr' });
    expect(dict.attribute('Framed-IPv6-Prefix')).toMatchObject({ type: 97, dataType: 'ipv6prefix' });
    expect(dict.attributeByNumber(0, 26)).toBeUndefined(); // Vendor-Specific is the codec's job
  });

  it('vendor attributes', () => {
    expect(dict.vendor('Microsoft')).toEqual({ name: 'Microsoft', id: 311 });
    expect(dict.vendorById(9)?.name).toBe('Cisco');
    expect(dict.attribute('MS-MPPE-Recv-Key')).toMatchObject({ vendorId: 311, type: 17, dataType: 'octets', encrypt: 2 });
    expect(dict.attribute('MS-MPPE-Send-Key')).toMatchObject({ vendorId: 311, type: 16, encrypt: 2 });
    expect(dict.attribute('Cisco-AVPair')).toMatchObject({ vendorId: 9, type: 1, dataType: 'string' });
    expect(dict.attribute('Aruba-User-Role')).toMatchObject({ vendorId: 14823, type: 1, dataType: 'string' });
    expect(dict.attributeByNumber(14823, 1)?.name).toBe('Aruba-User-Role');
  });

  it('names are found in any case', () => {
    expect(dict.attribute('user-name')?.type).toBe(1);
    expect(dict.attribute('CISCO-AVPAIR')?.vendorId).toBe(9);
    expect(dict.vendor('microsoft')?.id).toBe(311);
  });

  it('values', () => {
    const value = (attr: string, name: string) => dict.attribute(attr)!.values.get(name.toLowerCase());
    expect(value('Service-Type', 'Call-Check')).toBe(10);
    expect(value('Service-Type', 'Framed-User')).toBe(2);
    expect(dict.attribute('Service-Type')!.valueNames.get(10)).toBe('Call-Check');
    expect(value('Acct-Status-Type', 'Interim-Update')).toBe(3);
    expect(value('Acct-Status-Type', 'Accounting-On')).toBe(7);
    expect(value('Tunnel-Type', 'VLAN')).toBe(13);
    expect(value('Tunnel-Medium-Type', 'IEEE-802')).toBe(6);
    expect(value('NAS-Port-Type', 'Ethernet')).toBe(15);
    expect(value('Termination-Action', 'RADIUS-Request')).toBe(1);
  });

  it('Error-Cause values (RFC 5176 §3.6)', () => {
    const errorCause = dict.attribute('Error-Cause')!;
    expect(errorCause.type).toBe(101);
    expect(Object.fromEntries([...errorCause.valueNames].map(([n, name]) => [name, n]))).toEqual({
      'Residual-Session-Context-Removed': 201,
      'Invalid-EAP-Packet': 202,
      'Unsupported-Attribute': 401,
      'Missing-Attribute': 402,
      'NAS-Identification-Mismatch': 403,
      'Invalid-Request': 404,
      'Unsupported-Service': 405,
      'Unsupported-Extension': 406,
      'Invalid-Attribute-Value': 407,
      'Administratively-Prohibited': 501,
      'Request-Not-Routable': 502,
      'Session-Context-Not-Found': 503,
      'Session-Context-Not-Removable': 504,
      'Other-Proxy-Processing-Error': 505,
      'Resources-Unavailable': 506,
      'Request-Initiated': 507,
      'Multiple-Session-Selection-Unsupported': 508,
    });
  });
});

describe('broken lines are refused as "file:line: reason"', () => {
  const vendorHead = 'VENDOR\tExample\t99999\nBEGIN-VENDOR\tExample\n';
  const cases: [string, string, number, string][] = [
    ['unknown type', 'ATTRIBUTE Foo-Bar 200 strnig\n', 1,
      'unknown data type "strnig" (known: string, octets, ipaddr, ipv6addr, ipv6prefix, ifid, integer, integer64, date, byte, short, signed, ether)'],
    ['bad attribute number', '# comment\n\nATTRIBUTE Foo-Bar 2x0 string\n', 3, 'attribute number "2x0" is not a number'],
    ['attribute number out of range', 'ATTRIBUTE Foo-Bar 256 string\n', 1, 'attribute number 256 outside 1..255'],
    ['bad vendor number', 'VENDOR Example 9-9\n', 1, 'vendor number "9-9" is not a number'],
    ['bad value number', 'ATTRIBUTE Foo-Bar 200 integer\nVALUE Foo-Bar Baz ten\n', 2, 'value "ten" is not a number'],
    ['END-VENDOR of another vendor', `${vendorHead}ATTRIBUTE Example-Role 1 string\nEND-VENDOR Other\n`, 4,
      'END-VENDOR Other does not match an open BEGIN-VENDOR'],
    ['END-VENDOR with none open', 'END-VENDOR Example\n', 1, 'END-VENDOR Example does not match an open BEGIN-VENDOR'],
    ['unknown flag', 'ATTRIBUTE Foo-Bar 200 string has_tags\n', 1, 'unknown flag "has_tags" (known: has_tag, concat, encrypt=1, encrypt=2)'],
    ['VALUE for a string attribute', 'ATTRIBUTE Foo-Bar 200 string\nVALUE Foo-Bar Baz 1\n', 2,
      'VALUE for Foo-Bar, which is of type string, not an integer type'],
    ['VALUE for an unknown attribute', 'VALUE Nope Baz 1\n', 1, 'VALUE for unknown attribute "Nope"'],
    ['unknown keyword', 'ATRIBUTE Foo-Bar 200 string\n', 1, 'unknown keyword "ATRIBUTE"'],
    ['BEGIN-VENDOR of an unknown vendor', 'BEGIN-VENDOR Nobody\n', 1, 'unknown vendor "Nobody" (define it with VENDOR first)'],
    ['unclosed BEGIN-VENDOR', `# header\n${vendorHead}ATTRIBUTE Example-Role 1 string\n\n`, 3, 'BEGIN-VENDOR Example is never closed'],
  ];
  for (const [what, text, line, reason] of cases) {
    it(what, () => {
      const dir = folder({ 'dictionary.broken': text });
      const err = loadError([dir]);
      expect(err.message).toBe(`${join(dir, 'dictionary.broken')}:${line}: ${reason}`);
      expect(err).toMatchObject({ file: join(dir, 'dictionary.broken'), line, reason, code: 'ERR_DICTIONARY_PARSE' });
    });
  }

  it('duplicate name, pointing at the first definition', () => {
    const dir = folder({ 'dictionary.example': `${vendorHead}ATTRIBUTE Example-Role 1 string\nATTRIBUTE Example-Role 2 string\nEND-VENDOR Example\n` });
    const file = join(dir, 'dictionary.example');
    expect(loadError([dir]).message).toBe(`${file}:4: attribute Example-Role (Example 2) clashes with Example-Role defined at ${file}:3`);
  });

  it('duplicate number within a vendor', () => {
    const dir = folder({ 'dictionary.example': `${vendorHead}ATTRIBUTE Example-Role 1 string\nATTRIBUTE Example-Other 1 integer\nEND-VENDOR Example\n` });
    const file = join(dir, 'dictionary.example');
    expect(loadError([dir]).message).toBe(`${file}:4: attribute Example-Other (Example 1) clashes with Example-Role defined at ${file}:3`);
  });

  it('an admin file redefining a shipped attribute names both files', () => {
    const dir = folder({ 'dictionary.local': 'ATTRIBUTE User-Name 240 string\n' });
    expect(loadError([DICT_DIR, dir]).message).toBe(
      `${join(dir, 'dictionary.local')}:1: attribute User-Name (240) clashes with User-Name defined at ${join(DICT_DIR, 'dictionary.rfc2865')}:12`,
    );
  });

  it('recursive $INCLUDE, at the line that closes the loop', () => {
    const dir = folder({ 'dictionary.a': '# a\n$INCLUDE sub/b\n' });
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'b'), 'ATTRIBUTE Foo-Bar 200 string\n$INCLUDE ../dictionary.a\n');
    expect(loadError([dir]).message).toBe(`${join(dir, 'sub', 'b')}:2: recursive $INCLUDE of ${join(dir, 'dictionary.a')}`);
  });

  it('$INCLUDE of itself', () => {
    const dir = folder({ 'dictionary.self': '$INCLUDE dictionary.self\n' });
    const file = join(dir, 'dictionary.self');
    expect(loadError([dir]).message).toBe(`${file}:1: recursive $INCLUDE of ${file}`);
  });

  it('$INCLUDE of a missing file', () => {
    const dir = folder({ 'dictionary.inc': '\n$INCLUDE missing\n' });
    expect(loadError([dir]).message).toBe(`${join(dir, 'dictionary.inc')}:2: cannot read ${join(dir, 'missing')}: ENOENT`);
  });

  it('a missing folder', () => {
    const missing = join(tmpdir(), 'portcullis-no-such-folder');
    expect(loadError([DICT_DIR, missing]).message).toBe(`${missing}:0: cannot read dictionary folder: ENOENT`);
  });

  it('a BEGIN-VENDOR block ends with its file: an $INCLUDE inside it starts outside any vendor', () => {
    const dir = folder({
      'dictionary.main': 'VENDOR Example 99999\nBEGIN-VENDOR Example\n$INCLUDE std.txt\nATTRIBUTE Example-Role 1 string\nEND-VENDOR Example\n',
      'std.txt': 'ATTRIBUTE Foo-Std 200 string\n',
    });
    const d = loadDictionaries([dir]);
    expect(d.attribute('Foo-Std')?.vendorId).toBe(0);
    expect(d.attribute('Example-Role')?.vendorId).toBe(99999);
    const open = folder({ 'dictionary.main': 'VENDOR Example 99999\n$INCLUDE vendor.txt\nATTRIBUTE Foo-Std 200 string\n', 'vendor.txt': 'BEGIN-VENDOR Example\n' });
    expect(loadError([open]).message).toBe(`${join(open, 'vendor.txt')}:1: BEGIN-VENDOR Example is never closed`);
  });

  it('a non-recursive $INCLUDE loads the included definitions', () => {
    const dir = folder({ 'dictionary.main': '$INCLUDE extra.txt\nVALUE Foo-Level High 3\n', 'extra.txt': 'ATTRIBUTE Foo-Level 200 integer\n' });
    expect(loadDictionaries([dir]).attribute('Foo-Level')?.values.get('high')).toBe(3);
  });
});

describe("an admin's vendor file in a second folder", () => {
  // The example from dictionaries/README.md.
  const adminDir = folder({
    'dictionary.example': [
      '# dictionary.example: Example Corp VSAs, from the Example admin guide',
      'VENDOR\t\tExample\t\t\t99999',
      '',
      'BEGIN-VENDOR\tExample',
      'ATTRIBUTE\tExample-Role\t\t1\tstring',
      'ATTRIBUTE\tExample-Vlan\t\t2\tinteger',
      'VALUE\tExample-Vlan\tGuest\t\t10',
      'END-VENDOR\tExample',
      '',
    ].join('\r\n'),
  });
  const both = loadDictionaries([DICT_DIR, adminDir]);

  it('is loaded next to the shipped files', () => {
    expect(both.attribute('Example-Role')).toMatchObject({ vendorId: 99999, type: 1, dataType: 'string' });
    expect(both.attribute('Aruba-User-Role')?.vendorId).toBe(14823);
    expect(both.attributeCount).toBe(dict.attributeCount + 2);
  });

  it('is usable to encode and decode', () => {
    const attributes = [encodeAttribute(both, 'Example-Role', 'contractor'), encodeAttribute(both, 'Example-Vlan', 'Guest')];
    expect(attributes[1]).toEqual({ type: 26, value: Buffer.from('0001869f 0206 0000000a'.replace(/ /g, ''), 'hex') });
    expect(decodeAttributes(attributes, both).map((a) => `${a.name} = ${formatValue(a)}`)).toEqual([
      'Example-Role = contractor', 'Example-Vlan = Guest',
    ]);
    // Without the admin's folder the same bytes are an unknown vendor.
    expect(decodeAttributes(attributes, dict).map((a) => a.name)).toEqual(['Vendor-99999-Attr-1', 'Vendor-99999-Attr-2']);
  });
});
