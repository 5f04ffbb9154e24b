import { request as httpsRequest } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockJamf, type MockJamf } from '../../src/mock-jamf/index.js';
import { makeTestPki } from '../support/pki.js';

let server: MockJamf | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('HTTPS', () => {
  it('serves the token endpoint over TLS when given a key and certificate', async () => {
    const pki = makeTestPki();
    server = await startMockJamf({ tls: { key: pki.serverEc.key, cert: pki.serverEc.cert } });
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const body = 'grant_type=client_credentials&client_id=mock-client&client_secret=mock-client-secret';
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpsRequest(`${server!.url}/api/oauth/token`, {
        method: 'POST', ca: pki.trustedCas, servername: 'radius.test', agent: false,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
      }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBe(200);
  });
});
