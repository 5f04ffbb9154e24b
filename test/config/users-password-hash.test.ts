import bcrypt from 'bcryptjs';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { parseConfig } from '../../src/config/load.js';

// users: password_hash (bcrypt) next to password and nt_hash, checked with file:line reasons.

function problems(text: string): string[] {
  try {
    parseConfig(text, 'portcullis.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message.split('\n');
  }
  throw new Error('config was accepted');
}

const hash = bcrypt.hashSync('s3cret', 4);

describe('users: password_hash', () => {
  it.each(['$2b$', '$2a$', '$2y$'])('accepts a bcrypt %s hash and keeps it out of printed config', (prefix) => {
    const h = hash.replace('$2b$', prefix);
    const c = parseConfig(`users:\n  - name: alice\n    password_hash: "${h}"\n`, 'portcullis.yaml');
    const alice = c.users.get('alice')!;
    expect(alice.passwordHash?.reveal().toString()).toBe(h);
    expect(alice.password).toBeUndefined();
    const printed = `${JSON.stringify(c)} ${inspect(c, { depth: 10 })}`;
    expect(printed).not.toContain(h.slice(7));
  });

  it('refuses crypt(3) and argon2 formats with the line and a hint', () => {
    const out = problems(`users:
  - name: a
    password_hash: "$6$saltsalt$0123456789abcdefghijABCDEFGHIJ./0123456789abcdefghijABCDEFGHIJ./0123456789abcd"
  - name: b
    password_hash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"
  - name: c
    password_hash: "$1$abc$def"
`);
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(/^portcullis.yaml:3:\d+: users\[0\].password_hash: SHA-512-crypt \(\$6\$\) hashes are not supported; use a bcrypt hash/);
    expect(out[1]).toMatch(/^portcullis.yaml:5:\d+: users\[1\].password_hash: argon2 hashes are not supported/);
    expect(out[2]).toMatch(/^portcullis.yaml:7:\d+: users\[2\].password_hash: MD5-crypt \(\$1\$\) hashes are not supported/);
  });

  it('refuses text that is not a bcrypt hash, and a bcrypt cost that would stall every login', () => {
    const slow = hash.replace('$2b$04$', '$2b$20$');
    const out = problems(`users:
  - name: a
    password_hash: plain-text-by-mistake
  - name: b
    password_hash: "${hash.slice(0, -1)}"
  - name: c
    password_hash: "${slow}"
`);
    expect(out[0]).toMatch(/^portcullis.yaml:3:\d+: users\[0\].password_hash: not a bcrypt hash \(\$2a\$\/\$2b\$\/\$2y\$, 60 characters\)/);
    expect(out[1]).toMatch(/^portcullis.yaml:5:\d+: users\[1\].password_hash: not a bcrypt hash/);
    expect(out[2]).toMatch(/^portcullis.yaml:7:\d+: users\[2\].password_hash: bcrypt cost 20 is outside 4..14/);
  });

  it('refuses password and password_hash together, and a user with no credential at all', () => {
    const out = problems(`users:
  - name: a
    password: x
    password_hash: "${hash}"
  - name: b
`);
    expect(out).toContain('portcullis.yaml:4:20: users[0].password_hash: use password or password_hash, not both');
    expect(out.some((l) => /^portcullis.yaml:5:\d+: users\[1\]: needs password, password_hash or nt_hash/.test(l))).toBe(true);
  });

  it('still accepts nt_hash alone and password alone', () => {
    const c = parseConfig(`users:
  - {name: a, nt_hash: 8846F7EAEE8FB117AD06BDD830B7586C}
  - {name: b, password: pw}
`, 'portcullis.yaml');
    expect(c.users.get('a')?.ntHash?.toString('hex')).toBe('8846f7eaee8fb117ad06bdd830b7586c');
    expect(c.users.get('b')?.password?.reveal().toString()).toBe('pw');
  });
});

describe('eap.methods default', () => {
  it('offers EAP-TLS, EAP-TTLS and PEAP, in that order, when the list is left out', () => {
    const c = parseConfig(`eap:
  tls: {certificate: s.pem, private_key: s.key, ca: ca.pem}
`, '/etc/portcullis/portcullis.yaml');
    expect(c.eap?.methods).toEqual(['tls', 'ttls', 'peap']);
  });
});
