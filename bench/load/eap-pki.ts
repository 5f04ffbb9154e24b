import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// Device certificates for the EAP-TLS load. The layout is the FreeRADIUS anchor's make-pki.sh one, so one PKI
// serves both servers (and eapol_test):
//   DIR/trusted-cas.pem                      CAs the server trusts for client certificates
//   DIR/<variant>/server.pem, server.key     CN=radius.test, SAN DNS:radius.test, EKU serverAuth
//   DIR/<variant>/clients/client-NN.{pem,key} CN=<UDID>, SAN DNS:<UDID>, URI:urn:jamf:udid:<UDID>, EKU clientAuth
//   DIR/<variant>/udids.txt                  "NN UDID" per client
//   DIR/server-ca.pem (optional)             what the client trusts for the server certificate; without it the
//                                            client trusts DIR/trusted-cas.pem
// In make-pki.sh one CA signs the server AND the devices, and every party trusts it. OpenSSL then builds each
// side's chain from its trust store (auto-chain, which Node cannot turn off) and both send the root CA along with
// their certificate: a bigger flight (one more EAP round trip) and one more certificate for the server to parse.
// generatePki() keeps them apart like a real deployment (a device CA, e.g. Jamf's, and the server's own CA), so
// each side sends only its leaf. It writes only the EC (P-256) variant, with the openssl CLI, never overwriting.

export interface ClientCredential {
  udid: string;
  cert: Buffer;
  key: Buffer;
}

export interface LoadedPki {
  dir: string;
  /** Trust anchors for the server certificate (the client side). */
  serverCa: Buffer;
  clients: ClientCredential[];
}

export function loadPki(dir: string, variant: string): LoadedPki {
  const v = path.join(dir, variant);
  const udids = readFileSync(path.join(v, 'udids.txt'), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
  if (udids.length === 0) throw new Error(`${v}/udids.txt lists no clients`);
  const clients = udids.map((line) => {
    const [n, udid] = line.split(/\s+/);
    if (!n || !udid) throw new Error(`bad line in ${v}/udids.txt: "${line}"`);
    const base = path.join(v, 'clients', `client-${n}`);
    return { udid, cert: readFileSync(`${base}.pem`), key: readFileSync(`${base}.key`) };
  });
  const own = path.join(dir, 'server-ca.pem');
  return { dir, serverCa: readFileSync(existsSync(own) ? own : path.join(dir, 'trusted-cas.pem')), clients };
}

function openssl(args: string[], cwd: string, input?: string): void {
  execFileSync('openssl', args, { cwd, stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'], input });
}

const udid = () => {
  const h = randomBytes(16).toString('hex').toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

const LEAF = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid'];

/** Writes an EC P-256 PKI: a server CA with the server certificate, a device CA with `clients` device certificates. */
export function generatePki(dir: string, clients: number): void {
  const v = path.join(dir, 'ec');
  if (existsSync(path.join(dir, 'trusted-cas.pem'))) throw new Error(`${dir} already holds a PKI`);
  mkdirSync(path.join(v, 'clients'), { recursive: true });
  mkdirSync(path.join(dir, 'server-ca'), { recursive: true });
  const key = (file: string, cwd: string) => openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file], cwd);
  const ca = (cwd: string, cn: string) => {
    key('ca.key', cwd);
    openssl(['req', '-x509', '-new', '-key', 'ca.key', '-sha256', '-days', '3650', '-subj', `/O=NAC Test/CN=${cn}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-addext', 'subjectKeyIdentifier=hash',
      '-out', 'ca.pem'], cwd);
  };
  ca(path.join(dir, 'server-ca'), 'NAC Test Server CA (ec)');
  ca(v, 'NAC Test Device CA (ec)');
  const leaf = (caDir: string, base: string, cn: string, ext: string[]) => {
    key(`${base}.key`, v);
    openssl(['req', '-new', '-key', `${base}.key`, '-subj', `/O=NAC Test/CN=${cn}`, '-out', `${base}.csr`], v);
    writeFileSync(path.join(v, `${base}.ext`), [...LEAF, ...ext, ''].join('\n'));
    openssl(['x509', '-req', '-in', `${base}.csr`, '-CA', path.join(caDir, 'ca.pem'), '-CAkey', path.join(caDir, 'ca.key'), '-CAcreateserial',
      '-CAserial', path.join(caDir, 'ca.srl'), '-days', '825', '-sha256', '-extfile', `${base}.ext`, '-out', `${base}.pem`], v);
    rmSync(path.join(v, `${base}.csr`));
    rmSync(path.join(v, `${base}.ext`));
  };
  leaf(path.join(dir, 'server-ca'), 'server', 'radius.test', ['extendedKeyUsage=serverAuth', 'subjectAltName=DNS:radius.test']);
  const width = Math.max(2, String(clients).length);
  const lines: string[] = [];
  for (let i = 1; i <= clients; i++) {
    const n = String(i).padStart(width, '0');
    const u = udid();
    leaf(v, `clients/client-${n}`, u, ['extendedKeyUsage=clientAuth', `subjectAltName=DNS:${u},URI:urn:jamf:udid:${u}`]);
    lines.push(`${n} ${u}`);
  }
  writeFileSync(path.join(v, 'udids.txt'), `${lines.join('\n')}\n`);
  writeFileSync(path.join(dir, 'server-ca.pem'), readFileSync(path.join(dir, 'server-ca', 'ca.pem')));
  // Last: its presence marks a complete PKI.
  writeFileSync(path.join(dir, 'trusted-cas.pem'), readFileSync(path.join(v, 'ca.pem')));
}
