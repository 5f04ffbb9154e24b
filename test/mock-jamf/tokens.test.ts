import { afterEach, describe, expect, it } from 'vitest';
import { startMockJamf, type MockJamf, type MockJamfOptions } from '../../src/mock-jamf/index.js';
import { clientToken, getJson, manualClock, postForm, request } from './helpers.js';

let server: MockJamf | undefined;
async function start(o: MockJamfOptions = {}): Promise<MockJamf> {
  server = await startMockJamf({ seed: { computers: 3, mobileDevices: 1 }, ...o });
  return server;
}
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const creds = { grant_type: 'client_credentials', client_id: 'nac', client_secret: 's3cret-value' };
const clients = [{ id: 'nac', secret: 's3cret-value' }];

describe('API client credentials', () => {
  for (const path of ['/api/oauth/token', '/api/v1/oauth/token']) {
    it(`issues a bearer token on ${path} that works on Pro and Classic endpoints`, async () => {
      const s = await start({ clients, tokenLifetimeSeconds: 120 });
      const r = await postForm(s, path, creds);
      expect(r.status).toBe(200);
      const body = r.json as Record<string, unknown>;
      expect(body).toEqual({ access_token: expect.any(String), scope: 'api-role:1', token_type: 'Bearer', expires_in: 120 });
      expect(r.headers.get('cache-control')).toBe('no-store');
      const token = body.access_token as string;
      // Looks like Jamf's JWT: three base64url parts, client-credential claims.
      const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
      expect(claims).toMatchObject({ sub: 'nac', aud: 'nac', 'authentication-type': 'CLIENT_CREDENTIALS', scope: ['api-role:1'] });
      expect(claims.exp - claims.iat).toBe(120);
      expect((await getJson(s, '/api/v1/jamf-pro-version', token)).body).toEqual({ version: '11.30.1-t1784555528405' });
      expect((await request(s, '/JSSResource/computers', { token })).status).toBe(200);
    });
  }

  it('answers a wrong secret with an RFC 6749 invalid_client body (400 by default, 401 when configured)', async () => {
    const s = await start({ clients });
    const bad = await postForm(s, '/api/oauth/token', { ...creds, client_secret: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ error: 'invalid_client', error_description: expect.any(String), error_uri: expect.stringContaining('rfc6749') });
    expect(bad.text).not.toContain('s3cret-value');
    await s.close();
    const s401 = await start({ clients, invalidClientStatus: 401 });
    const unknown = await postForm(s401, '/api/v1/oauth/token', { ...creds, client_id: 'other' });
    expect(unknown.status).toBe(401);
    expect((unknown.json as { error: string }).error).toBe('invalid_client');
  });

  it('requires a form body and the client_credentials grant, and checks requested scopes', async () => {
    const s = await start({ clients });
    const asJson = await request(s, '/api/oauth/token', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(creds),
    });
    expect(asJson.status).toBe(400);
    expect((asJson.json as { error: string }).error).toBe('invalid_request');
    const password = await postForm(s, '/api/oauth/token', { ...creds, grant_type: 'password' });
    expect((password.json as { error: string }).error).toBe('unsupported_grant_type');
    const scope = await postForm(s, '/api/oauth/token', { ...creds, scope: 'api-role:7' });
    expect(scope.status).toBe(400);
    expect((scope.json as { error: string }).error).toBe('invalid_scope');
    expect((await postForm(s, '/api/oauth/token', { ...creds, scope: 'api-role:1' })).status).toBe(200);
  });

  it('turns a token into 401 once its lifetime has passed on the server clock', async () => {
    const clock = manualClock();
    const s = await start({ clients, tokenLifetimeSeconds: 60, now: clock.now });
    const token = await clientToken(s, '/api/oauth/token', 'nac', 's3cret-value');
    expect((await request(s, '/api/v1/computers-inventory', { token })).status).toBe(200);
    clock.advance(59_999);
    expect((await request(s, '/api/v1/computers-inventory', { token })).status).toBe(200);
    clock.advance(1);
    const expired = await request(s, '/api/v1/computers-inventory', { token });
    expect(expired.status).toBe(401);
    expect(expired.json).toEqual({ httpStatus: 401, errors: [] });
    const classic = await request(s, '/JSSResource/computers/subset/basic', { token });
    expect(classic.status).toBe(401);
    expect(classic.headers.get('content-type')).toContain('text/html');
    expect(classic.text).toContain('Unauthorized');
    // A fresh token works again; the per-client lifetime overrides the server default.
    expect((await request(s, '/api/v1/computers-inventory', { token: await clientToken(s, '/api/oauth/token', 'nac', 's3cret-value') })).status).toBe(200);
  });

  it('expireTokens() invalidates everything issued so far', async () => {
    const s = await start();
    const token = await clientToken(s);
    s.expireTokens();
    expect((await request(s, '/api/v1/auth', { token })).status).toBe(401);
    expect(s.tokens.liveCount()).toBe(0);
  });

  it('rejects requests without a bearer token, and Basic auth on data endpoints', async () => {
    const s = await start();
    expect((await request(s, '/api/v4/computers-inventory')).json).toEqual({ httpStatus: 401, errors: [] });
    const basic = await request(s, '/api/v4/computers-inventory', { headers: { authorization: `Basic ${Buffer.from('admin:mock-admin-password').toString('base64')}` } });
    expect(basic.status).toBe(401);
    expect((await request(s, '/api/v4/computers-inventory', { token: 'forged.token.value' })).status).toBe(401);
  });
});

describe('user bearer tokens (Basic → bearer)', () => {
  const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });

  it('exchanges Basic credentials for {token, expires} with a 30-minute default lifetime', async () => {
    const clock = manualClock();
    const s = await start({ users: [{ username: 'jamfadmin', password: 'pw' }], now: clock.now });
    const r = await request(s, '/api/v1/auth/token', { method: 'POST', headers: basic('jamfadmin', 'pw') });
    expect(r.status).toBe(200);
    const body = r.json as { token: string; expires: string };
    expect(Date.parse(body.expires)).toBe(clock.now() + 1800_000);
    expect(body.expires).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const me = await getJson<{ account: { username: string }; authenticationType: string }>(s, '/api/v1/auth', body.token);
    expect(me.body.account.username).toBe('jamfadmin');
    expect(me.body.authenticationType).toBe('JSS');
  });

  it('answers a wrong password with 401 and an empty ApiError', async () => {
    const s = await start({ users: [{ username: 'jamfadmin', password: 'pw' }] });
    const r = await request(s, '/api/v1/auth/token', { method: 'POST', headers: basic('jamfadmin', 'wrong') });
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ httpStatus: 401, errors: [] });
  });

  it('keep-alive replaces the token; invalidate-token answers 204 and kills it', async () => {
    const s = await start({ users: [{ username: 'u', password: 'p' }] });
    const first = ((await request(s, '/api/v1/auth/token', { method: 'POST', headers: basic('u', 'p') })).json as { token: string }).token;
    const renewed = await request(s, '/api/v1/auth/keep-alive', { method: 'POST', token: first });
    expect(renewed.status).toBe(200);
    const second = (renewed.json as { token: string }).token;
    expect(second).not.toBe(first);
    expect((await request(s, '/api/v1/auth', { token: first })).status).toBe(401);
    expect((await request(s, '/api/v1/auth', { token: second })).status).toBe(200);
    const gone = await request(s, '/api/v1/auth/invalidate-token', { method: 'POST', token: second });
    expect(gone.status).toBe(204);
    expect((await request(s, '/api/v1/auth', { token: second })).status).toBe(401);
  });

  it('does not keep client-credential tokens alive', async () => {
    const s = await start();
    const token = await clientToken(s);
    expect((await request(s, '/api/v1/auth/keep-alive', { method: 'POST', token })).status).toBe(401);
    const me = await getJson<{ authenticationType: string }>(s, '/api/v1/auth', token);
    expect(me.body.authenticationType).toBe('CLIENT_CREDENTIALS');
  });
});
