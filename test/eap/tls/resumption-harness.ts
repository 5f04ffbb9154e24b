/**
 * Real TLS 1.2 sessions for the fast-resumption tests: a full handshake between Node's tls.Server
 * and tls.connect over 127.0.0.1 (the server side keeps the session as portcullis does, via
 * 'newSession'), then a Node client that resumes it over an in-memory Duplex, one flight at a time.
 * The master secret comes from the client's keylog (NSS format), so tests can check our key
 * schedule against OpenSSL's.
 */
import { constants } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { peerCertificateOf, type PeerCertificate } from '../../../src/eap/tls/certificate-policy.js';
import { PeerDuplex, tick } from '../../support/eap-peer-wire.js';
import type { TestCredential, TestPki } from '../../support/pki.js';

export const SESSION_ID_CONTEXT = 'portcullis-test-fast-resumption';

export interface FullHandshake {
  /** What the client keeps for resumption. */
  clientSession: Buffer;
  sessionId: Buffer;
  /** i2d_SSL_SESSION as the server's 'newSession' delivered it. */
  sessionDer: Buffer;
  masterSecret: Buffer;
  peer: PeerCertificate;
  cipher: string;
}

export interface HandshakeOptions {
  client?: TestCredential;
  ciphers?: string;
  sessionIdContext?: string;
}

/** One full TLS 1.2 handshake with a client certificate; the server issues no tickets. */
export async function fullHandshake(pki: TestPki, options: HandshakeOptions = {}): Promise<FullHandshake> {
  const client = options.client ?? pki.clients.ec;
  const server = tls.createServer({
    key: pki.serverEc.key,
    cert: pki.serverEc.cert,
    ca: pki.trustedCas,
    requestCert: true,
    rejectUnauthorized: true,
    maxVersion: 'TLSv1.2',
    sessionIdContext: options.sessionIdContext ?? SESSION_ID_CONTEXT,
    secureOptions: constants.SSL_OP_NO_TICKET,
  });
  let sessionId: Buffer | undefined;
  let sessionDer: Buffer | undefined;
  let peer: PeerCertificate | undefined;
  server.on('newSession', (id: Buffer, data: Buffer, done: () => void) => {
    sessionId = id;
    sessionDer = data;
    done();
  });
  server.on('secureConnection', (s: tls.TLSSocket) => {
    const cert = s.getPeerX509Certificate();
    if (cert) peer = peerCertificateOf(cert, ['san_uri', 'san_dns', 'cn']);
    s.on('error', () => {});
    s.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const socket = tls.connect({
      host: '127.0.0.1',
      port: (server.address() as AddressInfo).port,
      ca: pki.ecCa.cert,
      cert: client.cert,
      key: client.key,
      servername: 'radius.test',
      maxVersion: 'TLSv1.2',
      ...(options.ciphers ? { ciphers: options.ciphers } : {}),
    });
    let masterSecret: Buffer | undefined;
    socket.on('keylog', (line: Buffer) => {
      const [label, , secret] = line.toString('latin1').trim().split(' ');
      if (label === 'CLIENT_RANDOM' && secret) masterSecret = Buffer.from(secret, 'hex');
    });
    let clientSession: Buffer | undefined;
    socket.on('session', (s: Buffer) => (clientSession = s));
    await once(socket, 'secureConnect');
    const cipher = socket.getCipher().standardName;
    socket.on('data', () => {});
    await once(socket, 'end');
    socket.destroy();
    if (!clientSession || !sessionId || !sessionDer || !masterSecret || !peer) throw new Error('full handshake left no session');
    return { clientSession, sessionId, sessionDer, masterSecret, peer, cipher };
  } finally {
    server.close();
  }
}

export interface ResumingClient {
  /** The client's first flight (its ClientHello). */
  hello: Buffer;
  socket: tls.TLSSocket;
  /** Hands the client our flight; returns what it answers (its ChangeCipherSpec + Finished, or an alert). */
  deliver(flight: Buffer): Promise<Buffer>;
  /** Set once the client finished its side of the handshake. */
  readonly secure: boolean;
  readonly error: string | undefined;
}

export interface ClientOptions {
  maxVersion?: tls.SecureVersion;
  ciphers?: string;
  client?: TestCredential;
}

/** A Node TLS client that offers `session` over an in-memory Duplex. */
export async function resumingClient(pki: TestPki, session: Buffer, options: ClientOptions = {}): Promise<ResumingClient> {
  const client = options.client ?? pki.clients.ec;
  const duplex = new PeerDuplex();
  const socket = tls.connect({
    socket: duplex,
    session,
    ca: pki.ecCa.cert,
    cert: client.cert,
    key: client.key,
    servername: 'radius.test',
    maxVersion: options.maxVersion ?? 'TLSv1.2',
    ...(options.ciphers ? { ciphers: options.ciphers } : {}),
  });
  const state = { secure: false, error: undefined as string | undefined };
  socket.on('secureConnect', () => (state.secure = true));
  socket.on('error', (e: Error & { code?: string }) => (state.error = e.code ?? e.message));
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 4; i++) await tick();
  };
  await settle();
  return {
    hello: duplex.drain(),
    socket,
    async deliver(flight: Buffer): Promise<Buffer> {
      duplex.push(flight);
      await settle();
      return duplex.drain();
    },
    get secure() {
      return state.secure;
    },
    get error() {
      return state.error;
    },
  };
}

export interface WireHandshake {
  client: tls.TLSSocket;
  /** Every plaintext handshake message before the first ChangeCipherSpec, in wire order. */
  handshakeMessages: Buffer;
  clientRandom: Buffer;
  serverRandom: Buffer;
  masterSecret: Buffer;
  close(): void;
}

/** A full TLS 1.2 handshake (server certificate only) between Node's server and client, every byte seen by the test. */
export async function wireHandshake(pki: TestPki, ciphers: string): Promise<WireHandshake> {
  // No ticket: it would sit between the client's and the server's Finished in the transcript.
  const server = tls.createServer({ key: pki.serverEc.key, cert: pki.serverEc.cert, maxVersion: 'TLSv1.2', ciphers, secureOptions: constants.SSL_OP_NO_TICKET });
  const toServer = new PeerDuplex();
  const toClient = new PeerDuplex();
  server.emit('connection', toServer);
  const client = tls.connect({ socket: toClient, ca: pki.ecCa.cert, servername: 'radius.test', maxVersion: 'TLSv1.2', ciphers });
  let masterSecret: Buffer | undefined;
  client.on('keylog', (line: Buffer) => {
    const [label, , secret] = line.toString('latin1').trim().split(' ');
    if (label === 'CLIENT_RANDOM' && secret) masterSecret = Buffer.from(secret, 'hex');
  });
  let secure = false;
  client.once('secureConnect', () => (secure = true));
  const plain: Buffer[] = [];
  const seen = { ccs: false };
  const collect = (flight: Buffer): void => {
    for (let o = 0; o + 5 <= flight.length; ) {
      const type = flight[o]!;
      const len = flight.readUInt16BE(o + 3);
      if (type === 20) seen.ccs = true;
      if (type === 22 && !seen.ccs) plain.push(flight.subarray(o + 5, o + 5 + len));
      o += 5 + len;
    }
  };
  for (let round = 0; round < 10 && !secure; round++) {
    for (let i = 0; i < 4; i++) await tick();
    const c = toClient.drain();
    seen.ccs = false;
    collect(c);
    if (c.length > 0) toServer.push(c);
    for (let i = 0; i < 4; i++) await tick();
    const s = toServer.drain();
    seen.ccs = false;
    collect(s);
    if (s.length > 0) toClient.push(s);
  }
  for (let i = 0; i < 4; i++) await tick();
  const handshakeMessages = Buffer.concat(plain);
  if (!secure || !masterSecret) throw new Error('in-memory handshake did not complete');
  return {
    client,
    handshakeMessages,
    clientRandom: handshakeMessages.subarray(6, 38),
    serverRandom: serverHelloRandom(handshakeMessages),
    masterSecret,
    close: () => {
      client.destroy();
      server.close();
    },
  };
}

function serverHelloRandom(messages: Buffer): Buffer {
  for (let o = 0; o + 4 <= messages.length; ) {
    const len = messages.readUIntBE(o + 1, 3);
    if (messages[o] === 2) return messages.subarray(o + 6, o + 38);
    o += 4 + len;
  }
  throw new Error('no ServerHello');
}
