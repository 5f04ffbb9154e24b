/**
 * Throw-away test PKI made with the openssl CLI (test only; keys unencrypted).
 *   EC P-256 CA and RSA-2048 CA (both trusted), a rogue EC CA (untrusted)
 *   server certs CN=radius.test (SAN DNS:radius.test, EKU serverAuth): RSA and EC
 *   client certs with SAN "DNS:<UDID>, URI:urn:jamf:udid:<UDID>" and EKU clientAuth (CN=<UDID>):
 *   ec, rsa, expired, notYetValid, untrusted, revoked, serverAuthOnly (EKU serverAuth only),
 *   noEku (no EKU extension), cnOnly (no SAN), revokedLater (valid in the first CRL only)
 *   CRLs: one per trusted CA (ec lists `revoked`), both concatenated in one file, and a later
 *   EC CRL that also lists `revokedLater` (revocation of a device whose session was resumed).
 *
 * makeTestPki() is cached: per process in memory, and on disk per test run (vitest workers share
 * their parent's pid), so the ~2 s of openssl runs once per run. Generation goes to a private
 * temp dir that is renamed into place, so parallel workers never see half a PKI.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PKI_VERSION = 4;
const MANIFEST = 'manifest.json';
const STALE_MS = 6 * 3600_000;

export interface TestCredential {
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
  /** Upper-case UDID in the SAN/CN (client certs). */
  udid: string;
}

export interface TestCa {
  certFile: string;
  cert: string;
}

export interface TestPki {
  dir: string;
  ecCa: TestCa;
  rsaCa: TestCa;
  rogueCa: TestCa;
  /** EC CA + RSA CA in one PEM. */
  trustedCasFile: string;
  trustedCas: string;
  serverRsa: TestCredential;
  serverEc: TestCredential;
  clients: {
    ec: TestCredential;
    rsa: TestCredential;
    expired: TestCredential;
    notYetValid: TestCredential;
    untrusted: TestCredential;
    revoked: TestCredential;
    serverAuthOnly: TestCredential;
    noEku: TestCredential;
    cnOnly: TestCredential;
    revokedLater: TestCredential;
  };
  crl: {
    ecFile: string;
    rsaFile: string;
    /** Both CRLs in one file. */
    bothFile: string;
    /** EC CRL issued after `revokedLater` was revoked. */
    ecLaterFile: string;
  };
}

type ClientName = keyof TestPki['clients'];

interface Manifest {
  version: number;
  created: number;
  udids: Record<string, string>;
}

const memo = new Map<string, TestPki>();

export function defaultPkiDir(): string {
  return path.join(os.tmpdir(), `portcullis-test-pki-v${PKI_VERSION}-${process.ppid}`);
}

export function makeTestPki(dir: string = defaultPkiDir()): TestPki {
  const abs = path.resolve(dir);
  const cached = memo.get(abs);
  if (cached) return cached;
  let manifest = readManifest(abs);
  if (!manifest) {
    sweepOldPkis(abs);
    const tmp = `${abs}.tmp-${process.pid}-${randomUUID().slice(0, 8)}`;
    generate(tmp);
    try {
      fs.renameSync(tmp, abs); // atomic: a renamed PKI is always complete
    } catch {
      // `abs` exists: another worker's complete PKI (keep it, others may use it) or a stale one.
      if (!readManifest(abs)) {
        fs.rmSync(abs, { recursive: true, force: true });
        try {
          fs.renameSync(tmp, abs);
        } catch {
          /* a concurrent worker replaced it first */
        }
      }
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    manifest = readManifest(abs);
    if (!manifest) throw new Error(`test PKI in ${abs} is incomplete`);
  }
  const pki = load(abs, manifest);
  memo.set(abs, pki);
  return pki;
}

function readManifest(dir: string): Manifest | undefined {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8')) as Manifest;
    return m.version === PKI_VERSION && Date.now() - m.created < STALE_MS ? m : undefined;
  } catch {
    return undefined;
  }
}

/** Removes PKIs of earlier runs (same prefix, older than STALE_MS). */
function sweepOldPkis(dir: string): void {
  const parent = path.dirname(dir);
  const prefix = `portcullis-test-pki-`;
  for (const name of safeReaddir(parent)) {
    if (!name.startsWith(prefix)) continue;
    const full = path.join(parent, name);
    try {
      if (Date.now() - fs.statSync(full).mtimeMs > STALE_MS) fs.rmSync(full, { recursive: true, force: true });
    } catch {
      /* raced with another sweeper */
    }
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function newKeyArgs(kind: 'ec' | 'rsa'): string[] {
  return kind === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048'];
}

function makeCa(root: string, name: string, kind: 'ec' | 'rsa', cn: string): void {
  const d = path.join(root, name);
  fs.mkdirSync(path.join(d, 'newcerts'), { recursive: true });
  fs.writeFileSync(path.join(d, 'index.txt'), '');
  fs.writeFileSync(path.join(d, 'serial'), '1000\n');
  fs.writeFileSync(path.join(d, 'crlnumber'), '1000\n');
  fs.writeFileSync(
    path.join(d, 'ca.cnf'),
    [
      '[ ca ]',
      'default_ca = tca',
      '[ tca ]',
      `dir = ${d}`,
      'database = $dir/index.txt',
      'new_certs_dir = $dir/newcerts',
      'serial = $dir/serial',
      'crlnumber = $dir/crlnumber',
      'certificate = $dir/ca.pem',
      'private_key = $dir/ca.key',
      'default_md = sha256',
      'default_days = 825',
      'default_crl_days = 30',
      'policy = pol',
      'unique_subject = no',
      'copy_extensions = none',
      'preserve = yes',
      '[ pol ]',
      'organizationName = optional',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  openssl(
    ['req', '-x509', '-new', ...newKeyArgs(kind), '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-sha256', '-days', '3650',
      '-subj', `/O=Portcullis Test/CN=${cn}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
      '-addext', 'subjectKeyIdentifier=hash'],
    d,
  );
}

interface LeafSpec {
  ca: string;
  file: string;
  kind: 'ec' | 'rsa';
  cn: string;
  ext: string[];
  start?: string;
  end?: string;
}

function makeLeaf(root: string, spec: LeafSpec): void {
  const caDir = path.join(root, spec.ca);
  const base = path.join(root, spec.file);
  fs.writeFileSync(`${base}.ext`, ['[ ext ]', ...spec.ext, ''].join('\n'));
  openssl(['req', '-new', ...newKeyArgs(spec.kind), '-nodes', '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/O=Portcullis Test/CN=${spec.cn}`], root);
  const dates = spec.start && spec.end ? ['-startdate', spec.start, '-enddate', spec.end] : ['-days', '825'];
  openssl(
    ['ca', '-batch', '-notext', '-config', path.join(caDir, 'ca.cnf'), '-in', `${base}.csr`, '-out', `${base}.pem`,
      '-extfile', `${base}.ext`, '-extensions', 'ext', ...dates],
    root,
  );
  fs.rmSync(`${base}.csr`);
  fs.rmSync(`${base}.ext`);
}

const LEAF = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid'];
const deviceSan = (u: string): string => `subjectAltName=DNS:${u},URI:urn:jamf:udid:${u}`;

function generate(root: string): void {
  fs.mkdirSync(root, { recursive: true });
  makeCa(root, 'ec-ca', 'ec', 'Portcullis Test EC CA');
  makeCa(root, 'rsa-ca', 'rsa', 'Portcullis Test RSA CA');
  makeCa(root, 'rogue-ca', 'ec', 'Rogue CA');
  const server = [...LEAF, 'extendedKeyUsage=serverAuth', 'subjectAltName=DNS:radius.test'];
  makeLeaf(root, { ca: 'rsa-ca', file: 'server-rsa', kind: 'rsa', cn: 'radius.test', ext: server });
  makeLeaf(root, { ca: 'ec-ca', file: 'server-ec', kind: 'ec', cn: 'radius.test', ext: server });

  const udids: Record<string, string> = {};
  const client = (name: ClientName, ca: string, kind: 'ec' | 'rsa', ext: (u: string) => string[], dates?: { start: string; end: string }): void => {
    const u = randomUUID().toUpperCase();
    udids[name] = u;
    makeLeaf(root, { ca, file: `client-${name}`, kind, cn: u, ext: ext(u), ...dates });
  };
  const device = (u: string): string[] => [...LEAF, 'extendedKeyUsage=clientAuth', deviceSan(u)];
  client('ec', 'ec-ca', 'ec', device);
  client('rsa', 'rsa-ca', 'rsa', device);
  client('expired', 'ec-ca', 'ec', device, { start: '20200101000000Z', end: '20200201000000Z' });
  client('notYetValid', 'ec-ca', 'ec', device, { start: '20990101000000Z', end: '20991231000000Z' });
  client('untrusted', 'rogue-ca', 'ec', device);
  client('revoked', 'ec-ca', 'ec', device);
  client('serverAuthOnly', 'ec-ca', 'ec', (u) => [...LEAF, 'extendedKeyUsage=serverAuth', deviceSan(u)]);
  client('noEku', 'ec-ca', 'ec', (u) => [...LEAF, deviceSan(u)]);
  client('cnOnly', 'ec-ca', 'ec', () => [...LEAF, 'extendedKeyUsage=clientAuth']);
  client('revokedLater', 'ec-ca', 'ec', device);

  const ecCnf = path.join(root, 'ec-ca', 'ca.cnf');
  openssl(['ca', '-config', ecCnf, '-revoke', path.join(root, 'client-revoked.pem')], root);
  openssl(['ca', '-config', ecCnf, '-gencrl', '-out', path.join(root, 'ec-ca.crl.pem')], root);
  openssl(['ca', '-config', path.join(root, 'rsa-ca', 'ca.cnf'), '-gencrl', '-out', path.join(root, 'rsa-ca.crl.pem')], root);
  openssl(['ca', '-config', ecCnf, '-revoke', path.join(root, 'client-revokedLater.pem')], root);
  openssl(['ca', '-config', ecCnf, '-gencrl', '-out', path.join(root, 'ec-ca.later.crl.pem')], root);
  fs.writeFileSync(path.join(root, 'crls.pem'), fs.readFileSync(path.join(root, 'ec-ca.crl.pem'), 'utf8') + fs.readFileSync(path.join(root, 'rsa-ca.crl.pem'), 'utf8'));
  fs.writeFileSync(
    path.join(root, 'trusted-cas.pem'),
    fs.readFileSync(path.join(root, 'ec-ca', 'ca.pem'), 'utf8') + fs.readFileSync(path.join(root, 'rsa-ca', 'ca.pem'), 'utf8'),
  );
  const manifest: Manifest = { version: PKI_VERSION, created: Date.now(), udids };
  fs.writeFileSync(path.join(root, MANIFEST), JSON.stringify(manifest, null, 2));
}

function load(dir: string, manifest: Manifest): TestPki {
  const read = (f: string): string => fs.readFileSync(path.join(dir, f), 'utf8');
  const ca = (name: string): TestCa => ({ certFile: path.join(dir, name, 'ca.pem'), cert: read(path.join(name, 'ca.pem')) });
  const cred = (file: string, udid = ''): TestCredential => ({
    certFile: path.join(dir, `${file}.pem`),
    keyFile: path.join(dir, `${file}.key`),
    cert: read(`${file}.pem`),
    key: read(`${file}.key`),
    udid,
  });
  const client = (name: ClientName): TestCredential => cred(`client-${name}`, manifest.udids[name] ?? '');
  return {
    dir,
    ecCa: ca('ec-ca'),
    rsaCa: ca('rsa-ca'),
    rogueCa: ca('rogue-ca'),
    trustedCasFile: path.join(dir, 'trusted-cas.pem'),
    trustedCas: read('trusted-cas.pem'),
    serverRsa: cred('server-rsa'),
    serverEc: cred('server-ec'),
    clients: {
      ec: client('ec'),
      rsa: client('rsa'),
      expired: client('expired'),
      notYetValid: client('notYetValid'),
      untrusted: client('untrusted'),
      revoked: client('revoked'),
      serverAuthOnly: client('serverAuthOnly'),
      noEku: client('noEku'),
      cnOnly: client('cnOnly'),
      revokedLater: client('revokedLater'),
    },
    crl: {
      ecFile: path.join(dir, 'ec-ca.crl.pem'),
      rsaFile: path.join(dir, 'rsa-ca.crl.pem'),
      bothFile: path.join(dir, 'crls.pem'),
      ecLaterFile: path.join(dir, 'ec-ca.later.crl.pem'),
    },
  };
}
