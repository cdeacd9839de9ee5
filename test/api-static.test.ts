// The built UI: files from webDir, index.html for deep links, security headers, no token needed, nothing outside
// webDir, and a plain page when the UI isn't built.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer, type TestServer } from './helpers/seed-server.js';
import { tempData } from './helpers/seed-run-files.js';

const INDEX = '<!doctype html><html><head><script type="module" src="/assets/app-1a2b3c.js"></script></head></html>';
let server: TestServer;
const get = (url: string, method: 'GET' | 'HEAD' | 'POST' = 'GET') => server.app.inject({ url, method });

beforeAll(async () => {
  const web = tempData('runboard-web-');
  const webDir = join(web.root, 'web');
  mkdirSync(join(webDir, 'assets'), { recursive: true });
  writeFileSync(join(webDir, 'index.html'), INDEX);
  writeFileSync(join(webDir, 'assets', 'app-1a2b3c.js'), 'console.log("ui")');
  writeFileSync(join(webDir, 'assets', 'app-1a2b3c.js.map'), '{"sources":["../../web/src/secret.ts"]}');
  writeFileSync(join(webDir, '.env'), 'SECRET=1');
  writeFileSync(join(web.root, 'outside.txt'), 'OUTSIDE');
  server = await testServer({ webDir, token: 'static-test-token-0123456789' });
});
afterAll(() => server.close());

describe('serving the UI', () => {
  it('serves index.html at / without a token, with a CSP that forbids inline script', async () => {
    const res = await get('/');
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(INDEX);
    expect(res.headers['content-type']).toContain('text/html');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it.each(['/runs/42', '/runs/42?level=warn#line-9', '/errors', '/pipelines/club/people'])(
    'answers the deep link %s with index.html so a reload works',
    async (url) => {
      const res = await get(url);
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe(INDEX);
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    },
  );

  it('serves hashed assets with a long immutable cache', async () => {
    const res = await get('/assets/app-1a2b3c.js');
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('console.log("ui")');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('serves the UI for a pipeline whose name has a dot (a deep link, not a file)', async () => {
    const res = await get('/pipelines/north/sync.members');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });

  it('404s a missing asset instead of answering with HTML', async () => {
    const res = await get('/assets/gone-123.js');
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('<html');
  });

  it('gives API paths a JSON 404, never the UI', async () => {
    for (const url of ['/api/nope', '/api', '/api/runs/1/nope']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toMatchObject({ error: 'Not Found', statusCode: 404 });
    }
    const post = await get('/runs/1', 'POST');
    expect(post.statusCode).toBe(404);
    expect(post.headers['content-type']).toContain('application/json');
  });

  it('never serves a file outside webDir or a dotfile', async () => {
    for (const url of ['/../outside.txt', '/%2e%2e/outside.txt', '/assets/..%2f..%2foutside.txt', '/.env']) {
      const res = await get(url);
      expect(res.body, url).not.toContain('OUTSIDE');
      expect(res.body, url).not.toContain('SECRET');
    }
  });

  it('never serves source maps, even when a build left them in webDir', async () => {
    for (const url of ['/assets/app-1a2b3c.js.map', '/assets/app-1a2b3c.js.map?x=1', '/assets/APP-1A2B3C.JS.MAP']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).not.toContain('sources');
    }
  });

  it('keeps the API behind the token while the UI is open', async () => {
    expect((await get('/api/runs')).statusCode).toBe(401);
  });
});

describe('without a built UI', () => {
  it.each([null, '/nonexistent/dir'])('says the UI is not built (webDir %s)', async (webDir) => {
    const bare = await testServer({ webDir });
    try {
      const res = await bare.app.inject({ url: '/' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.body).toContain('web UI is not built');
      expect((await bare.app.inject({ url: '/api/nope' })).json()).toMatchObject({
        statusCode: 404,
        code: 'RB_ERR_NOT_FOUND',
      });
    } finally {
      await bare.close();
    }
  });
});
