// Security headers on every response. HTML gets a CSP without inline or eval'd script: even if a hostile log
// string ever reached the DOM as markup, it could not run. Styles may be inline (Lit and uPlot set them).
import type { FastifyInstance } from 'fastify';

export const HTML_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Nothing but HTML should ever be rendered as a document. */
const NON_HTML_CSP = "default-src 'none'; frame-ancestors 'none'";

export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    // A 304 has no body and no content type, and its headers replace the cached response's: leave the policy
    // off so the cached one (HTML or not) stays in force.
    if (reply.statusCode !== 304) {
      reply.header('content-security-policy', type.startsWith('text/html') ? HTML_CSP : NON_HTML_CSP);
    }
    // API data is live and may be private: never cache it.
    if (request.url.startsWith('/api/') || request.url === '/metrics') reply.header('cache-control', 'no-store');
    return payload;
  });
}
