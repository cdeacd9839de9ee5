// No stored value may fail a whole list: before a list answer is serialised, each item is tried against its own
// schema, and an item that would not serialise is logged and left out instead of the page answering 500.
// The parser keeps odd values out of the database; this is the backstop for whatever it did not foresee.
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where a route's answer holds its list items: under `key` (null: the answer is the array) of schema `$id`. */
export interface ListItems {
  key: string | null;
  schema: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The arrays in this route's answer whose items are checked one by one (see serialisable-items.ts). */
    listItems?: readonly ListItems[];
  }
}

/** One schema object per $id, so fastify compiles each item serializer once (it caches by schema object). */
const refs = new Map<string, { $ref: string }>();
function refTo(schema: string): { $ref: string } {
  let ref = refs.get(schema);
  if (ref === undefined) refs.set(schema, (ref = { $ref: `${schema}#` }));
  return ref;
}

function keepSerialisable(reply: FastifyReply, items: unknown[], schema: string): unknown[] {
  const serialise = reply.compileSerializationSchema(refTo(schema));
  let kept: unknown[] | null = null;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    try {
      serialise(item as { [key: string]: unknown });
      kept?.push(item);
    } catch (error) {
      kept ??= items.slice(0, i);
      const id = item !== null && typeof item === 'object' && 'id' in item ? item.id : undefined;
      reply.log.error(
        { err: error, schema, id, url: reply.request.url },
        'runboard api: left out a row that does not serialise',
      );
    }
  }
  return kept ?? items;
}

export function registerSerialisableItems(app: FastifyInstance): void {
  app.addHook('preSerialization', async (request, reply, payload: unknown) => {
    const lists = request.routeOptions.config.listItems;
    if (lists === undefined || reply.statusCode !== 200 || payload === null || typeof payload !== 'object') {
      return payload;
    }
    if (Array.isArray(payload)) {
      const items: unknown[] = payload;
      const list = lists.find((l) => l.key === null);
      return list ? keepSerialisable(reply, items, list.schema) : items;
    }
    const answer = { ...(payload as Record<string, unknown>) };
    for (const list of lists) {
      const items = list.key === null ? undefined : answer[list.key];
      if (list.key !== null && Array.isArray(items)) answer[list.key] = keepSerialisable(reply, items, list.schema);
    }
    return answer;
  });
}
