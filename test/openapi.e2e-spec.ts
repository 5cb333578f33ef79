import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { SWAGGER: 'true', AUTH_STRATEGY: 'jwt' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('describes every route with its DTOs, and the UI is served', async () => {
    const res = await t.http.get('/docs/openapi.json');
    expect(res.status).toBe(200);
    const paths = Object.keys(res.body.paths);
    for (const path of [
      '/auth/register', '/auth/login', '/auth/token', '/auth/refresh', '/auth/logout', '/auth/logout-all', '/auth/me', '/auth/sessions',
      '/auth/sessions/{id}', '/auth/password', '/.well-known/jwks.json', '/users', '/users/{id}', '/users/{id}/roles', '/users/{id}/suspend',
      '/users/{id}/unsuspend', '/users/{id}/password', '/users/{id}/sessions', '/health/live', '/health/ready',
      '/auth/reauthenticate', '/auth/mfa', '/auth/mfa/totp', '/auth/mfa/totp/confirm', '/auth/mfa/recovery-codes', '/auth/mfa/verify', '/users/{id}/mfa',
    ]) {
      expect(paths).toContain(path);
    }
    const schemas = res.body.components.schemas;
    expect(schemas.RegisterDto.properties).toHaveProperty('password');
    expect(schemas.TokenRequestDto.properties.grant_type.enum).toEqual(['password', 'refresh_token', 'mfa_otp']);
    expect(schemas.MfaVerifyDto.properties).toHaveProperty('mfaToken');
    expect(schemas.MeView.properties).toHaveProperty('amr');
    expect(schemas.SetRolesDto.properties).toHaveProperty('roles');
    expect(schemas.MeView.properties).toHaveProperty('sessionId');
    expect((await t.http.get('/docs')).status).toBe(200);
  });
});
