// GET /api/runs/:id/log.ndjson: the run's file exactly as written, streamed (never a path outside runsDir).
import type { Readable } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { safeSegment } from '../../shared/run-path.js';
import { getRun, getRunSourceFile } from '../queries/runs.js';
import type { RouteContext } from './context.js';
import { HttpError, notFound } from './http-errors.js';
import { errorResponsesFor, idParams } from './schemas.js';
import { openRunFile } from './safe-run-file.js';

export function registerLogFileRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/api/runs/:id/log.ndjson',
    {
      schema: {
        summary: "Download the run's NDJSON file as written",
        tags: ['runs'],
        params: idParams,
        produces: ['application/x-ndjson'],
        response: {
          // Sent as a stream (or '' for an empty file) with its own content type: Fastify does not serialise it.
          200: Type.Unsafe<Readable | ''>({ type: 'string', description: 'The run file, byte for byte (NDJSON)' }),
          ...errorResponsesFor([400, 401, 403, 404]),
        },
      },
    },
    async (request, reply) => {
      const run = getRun(ctx.db, request.params.id);
      if (!run) throw notFound(`run ${request.params.id} not found`);
      const storedPath = getRunSourceFile(ctx.db, run);
      if (storedPath === null) throw notFound(`run ${run.id} has no known file`);
      const opened = await openRunFile(ctx.runsDir, storedPath);
      if (!opened.ok) throw new HttpError(opened.statusCode, opened.message);
      reply
        .type('application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="${safeSegment(run.runKey)}.ndjson"`);
      if (opened.size === 0) {
        await opened.handle.close();
        return reply.send('');
      }
      // The file may still be growing: send the bytes that exist now, with a length that matches them.
      const stream = opened.handle.createReadStream({ start: 0, end: opened.size - 1 });
      return reply.header('content-length', opened.size).send(stream);
    },
  );
}
