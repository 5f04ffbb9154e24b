import { describe, expect, it } from 'vitest';
import { parseSubjectAltNames } from '../../../src/eap/identity/subject-alt-names.js';
import { extractUdid, udidFromUri } from '../../../src/eap/identity/udid.js';

const U = '0A1B2C3D-4E5F-6789-ABCD-EF0123456789';
const u = U.toLowerCase();

describe('parseSubjectAltNames (Node subjectAltName text)', () => {
  it('splits the comma-separated list', () => {
    expect(parseSubjectAltNames(`DNS:${U}, URI:urn:jamf:udid:${U}`)).toEqual([
      { kind: 'DNS', value: U },
      { kind: 'URI', value: `urn:jamf:udid:${U}` },
    ]);
  });
  it('keeps a quoted value with a comma in one piece', () => {
    expect(parseSubjectAltNames('URI:"urn:a, b", DNS:x.test')).toEqual([
      { kind: 'URI', value: 'urn:a, b' },
      { kind: 'DNS', value: 'x.test' },
    ]);
  });
  it('handles "IP Address" entries and no SAN', () => {
    expect(parseSubjectAltNames('IP Address:10.0.0.1')).toEqual([{ kind: 'IP Address', value: '10.0.0.1' }]);
    expect(parseSubjectAltNames(undefined)).toEqual([]);
  });
});

describe('UDID extraction', () => {
  it('takes the UUID after the last ":" or "/" of a URI, upper-cased', () => {
    expect(udidFromUri(`urn:jamf:udid:${u}`)).toBe(U);
    expect(udidFromUri(`https://jamf.example/devices/${u}`)).toBe(U);
    expect(udidFromUri(`urn:jamf:udid:${U}:extra`)).toBeUndefined();
    expect(udidFromUri('urn:jamf:udid:not-a-uuid')).toBeUndefined();
  });

  const sans = parseSubjectAltNames(`DNS:${u}, URI:urn:other:11111111-2222-3333-4444-555555555555`);

  it('follows the default order san_uri, san_dns, cn', () => {
    expect(extractUdid({ subjectAltNames: sans, commonName: U })).toEqual({ udid: '11111111-2222-3333-4444-555555555555', source: 'san_uri' });
  });
  it('follows a configured order', () => {
    expect(extractUdid({ subjectAltNames: sans, commonName: 'x' }, ['san_dns', 'san_uri'])).toEqual({ udid: U, source: 'san_dns' });
    expect(extractUdid({ subjectAltNames: sans, commonName: u }, ['cn'])).toEqual({ udid: U, source: 'cn' });
  });
  it('skips DNS names that are not UUIDs and finds nothing when no source has one', () => {
    expect(extractUdid({ subjectAltNames: parseSubjectAltNames('DNS:laptop.corp.test'), commonName: 'laptop' })).toBeUndefined();
    expect(extractUdid({ subjectAltNames: sans }, [])).toBeUndefined();
  });
});
