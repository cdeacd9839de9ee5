// The built web UI: files from webDir, and index.html for any other non-API GET so deep links survive reload.
// Static files are served without a token: they hold no data, and the UI must load to show its token prompt.
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './routes/http-errors.js';

const NOT_BUILT =
  'runboard: the web UI is not built (run `npm run build`). The API is served under /api/ (see /api/openapi.json).\n';

/** API and metrics paths never fall back to the UI: they get a JSON 404. */
function isApiPath(url: string): boolean {
  return url === '/api' || url.startsWith('/api/') || url.startsWith('/api?') || url.startsWith('/metrics');
}

/** The UI's own routes: a dot in them is part of a name (a pipeline `sync.members`), never a file extension. */
const APP_ROUTE_PREFIXES = ['/pipelines/', '/runs/', '/errors/'];

/** A missing asset (`/assets/x.js`) is a real 404: answering with HTML would only hide the broken build. */
function looksLikeFile(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  if (APP_ROUTE_PREFIXES.some((prefix) => path.startsWith(prefix))) return false;
  const last = path.slice(path.lastIndexOf('/') + 1);
  return last.includes('.');
}

function isSourceMap(pathName: string): boolean {
  return pathName.toLowerCase().endsWith('.map');
}

export async function registerStaticUi(app: FastifyInstance, webDir: string | null): Promise<void> {
  const built = webDir !== null && existsSync(join(webDir, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root: webDir,
      wildcard: true,
      index: ['index.html'],
      dotfiles: 'ignore',
      // Source maps are not built (web/vite.config.ts); one left in webDir by another build is not served either.
      allowedPath: (pathName) => !isSourceMap(pathName),
      // Our own Cache-Control below, not send's max-age=0.
      cacheControl: false,
      setHeaders(res, path) {
        // Vite names built assets by content hash, so they never change; index.html must be revalidated.
        res.setHeader(
          'cache-control',
          path.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }

  if (built && existsSync(join(webDir, 'favicon.svg'))) {
    // Browsers ask for /favicon.ico whatever the page links: answer with the SVG icon rather than a 404.
    app.get('/favicon.ico', (_request, reply) =>
      reply.header('cache-control', 'no-cache').type('image/svg+xml').sendFile('favicon.svg'),
    );
  }

  app.setNotFoundHandler(async (request: FastifyRequest, reply: FastifyReply) => {
    const url = request.url;
    if (isApiPath(url) || (request.method !== 'GET' && request.method !== 'HEAD')) {
      return sendError(reply, 404, `no route ${request.method} ${url.split('?')[0] ?? ''}`);
    }
    if (!built)
      return reply
        .code(url === '/' ? 200 : 404)
        .type('text/plain; charset=utf-8')
        .send(NOT_BUILT);
    if (looksLikeFile(url)) return reply.code(404).type('text/plain; charset=utf-8').send('not found\n');
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
