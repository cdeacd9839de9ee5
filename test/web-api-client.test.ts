// The UI's REST client against a real runboard with a token: a 401 asks once for every waiting request, a
// wrong token is asked again, the login cookie then serves every request; errors carry the server's message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineSummary } from '../shared/api.js';
import { ApiClient, ApiRequestError, apiPath } from '../web/api-client.js';
import { startInProcessServer, type InProcessServer } from './support/in-process-server.js';
import { finishedRun, waitFor } from './support/run-writer.js';

const TOKEN = 'unit-secret-7f3a';
let server: InProcessServer;

beforeAll(async () => {
  server = await startInProcessServer({ token: TOKEN });
  await finishedRun(server.runsDir, 'north', 'sync', {});
}, 60_000);

afterAll(async () => {
  await server?.close();
});

/** Node's fetch keeps no cookies: this one does, like a browser for one origin. */
function cookieFetch(): typeof fetch {
  const jar = new Map<string, string>();
  return async (input, init) => {
    const headers = new Headers(init?.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(input, { ...init, headers });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return response;
  };
}

describe('apiPath', () => {
  it('leaves out empty values and encodes the rest', () => {
    expect(apiPath('/api/runs')).toBe('/api/runs');
    expect(apiPath('/api/runs', { club: 'a b', pipeline: null, status: undefined, q: '', limit: 50 })).toBe(
      '/api/runs?club=a+b&limit=50',
    );
  });
});

describe('ApiClient with a token', () => {
  it('prompts once for concurrent 401s, asks again after a wrong token, then serves everything', async () => {
    const prompts: boolean[] = [];
    let logins = 0;
    const answers = ['wrong', TOKEN];
    const api = new ApiClient({
      baseUrl: server.url,
      fetch: cookieFetch(),
      promptToken: (retry) => {
        prompts.push(retry);
        return Promise.resolve(answers.shift() ?? null);
      },
      onLogin: () => logins++,
    });
    const [pipelines, groups] = await Promise.all([
      waitFor('the pipeline ingested', async () => {
        const list = await api.pipelines(null);
        return list.length > 0 ? list : undefined;
      }),
      api.errorGroups({ club: 'north' }),
    ]);
    const runs = await api.runs({ club: 'north', limit: 5 });
    // /api/session is open: it tells the UI whether a prompt is needed, and now it is not.
    const session = await api.session();
    expect(prompts).toEqual([false, true]);
    expect(logins).toBe(1);
    expect(pipelines.map((p: PipelineSummary) => p.pipeline)).toEqual(['sync']);
    expect(runs.items.map((r) => r.pipeline)).toEqual(['sync']);
    expect(groups.groups).toEqual([]);
    expect(session).toEqual({ authRequired: true, authenticated: true });
  });

  it('fails with 401 when the operator cancels, and says so', async () => {
    let cancelled = 0;
    const api = new ApiClient({
      baseUrl: server.url,
      fetch: cookieFetch(),
      promptToken: () => Promise.resolve(null),
      onLoginCancelled: () => cancelled++,
    });
    await expect(api.pipelines(null)).rejects.toMatchObject({ name: 'ApiRequestError', status: 401 });
    expect(cancelled).toBe(1);
  });

  it('posts a write as JSON, logging in on its 401 and sending it again', async () => {
    let prompts = 0;
    const api = new ApiClient({
      baseUrl: server.url,
      fetch: cookieFetch(),
      promptToken: () => {
        prompts++;
        return Promise.resolve(TOKEN);
      },
    });
    // No channel is configured here: the server read the body and named the channel in its 404.
    const refused = await api.testAlert('ops-hook').catch((error: unknown) => error);
    expect(prompts).toBe(1);
    expect(refused).toBeInstanceOf(ApiRequestError);
    expect(refused).toMatchObject({ status: 404, message: 'no alert channel named "ops-hook" is configured' });
  });

  it("reports the server's error message and status", async () => {
    const api = new ApiClient({ baseUrl: server.url, fetch: cookieFetch(), promptToken: () => Promise.resolve(TOKEN) });
    const error = await api.run(999_999).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiRequestError);
    expect((error as ApiRequestError).status).toBe(404);
    expect((error as ApiRequestError).message).toMatch(/run 999999 not found/);
    const bad = await api.logs(1, { limit: 0 }).catch((e: unknown) => e);
    expect((bad as ApiRequestError).status).toBe(400);
    expect((bad as ApiRequestError).message).toMatch(/limit/);
  });
});

describe('a busy server (429 with Retry-After)', () => {
  it('is asked again after the time it gives, and its answer is the result; still busy after 5 tries: the error', async () => {
    const { createServer } = await import('node:http');
    let busyFor = 2;
    let requests = 0;
    const busy = createServer((_request, response) => {
      requests++;
      if (busyFor-- > 0) {
        response.writeHead(429, { 'retry-after': '0', 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ error: 'Too Many Requests', message: 'too many heavy queries', statusCode: 429 }),
        );
      } else {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ ok: true }));
      }
    });
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as { port: number };
    try {
      const client = new ApiClient({ baseUrl: `http://127.0.0.1:${port}` });
      expect(await client.get<{ ok: boolean }>('/api/x')).toEqual({ ok: true });
      expect(requests).toBe(3);
      busyFor = 100;
      const error = await client.get('/api/x').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiRequestError);
      expect((error as ApiRequestError).status).toBe(429);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });
});
