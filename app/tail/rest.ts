// The REST calls `runboard tail` makes, with the bearer token. A refused request is an ApiRefusal (401, 404: the
// command cannot go on); a network failure or a 5xx is a plain Error (the daemon is restarting: try again).
import type { ConfigView, LogLineView, LogsResponse, Page, RunDetail, RunView } from '../../shared/api.js';

/** The biggest page the logs route serves (server/routes/logs.ts LOGS_MAX_LIMIT). */
const LOG_PAGE = 2000;

export class ApiRefusal extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export interface TailApi {
  run(id: number): Promise<RunDetail>;
  /** Newest first. */
  runs(filter: { club: string | null; pipeline: string | null; status?: 'running' }, limit: number): Promise<RunView[]>;
  /** Every line after `afterOffset` (-1: from the first), in file order, page by page to the end. */
  linesAfter(runId: number, afterOffset: number, onPage: (lines: LogLineView[]) => void): Promise<void>;
  /**
   * The run's lines at or after `sinceTime` (newest pages first, back to the cutoff), in file order, and the offset
   * of its last line then (-1: none), where following continues.
   */
  linesSince(runId: number, sinceTime: number): Promise<{ lines: LogLineView[]; lastOffset: number }>;
  /** Offset of the run's last line, or -1 when it has none yet. */
  lastOffset(runId: number): Promise<number>;
  /** The daemon's public URL (GET /api/config: --public-url, else the config file's publicUrl), or null. */
  publicUrl(): Promise<string | null>;
}

export function createTailApi(baseUrl: string, token: string | null): TailApi {
  async function get<T>(path: string): Promise<T> {
    const response = await fetch(new URL(path, baseUrl), {
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    });
    if (response.ok) return (await response.json()) as T;
    const body = await response.text();
    let message = `${response.status} ${response.statusText}`;
    try {
      const parsed = JSON.parse(body) as { message?: unknown };
      if (typeof parsed.message === 'string') message = `${response.status}: ${parsed.message}`;
    } catch {
      // Not an API error body (a proxy's page): the status line says enough.
    }
    if (response.status >= 500) throw new Error(`GET ${path}: ${message}`);
    throw new ApiRefusal(response.status, `GET ${path}: ${message}`);
  }

  async function logs(runId: number, query: Record<string, string | number>): Promise<LogsResponse> {
    const params = new URLSearchParams(
      Object.entries(query).map(([key, value]): [string, string] => [key, String(value)]),
    );
    return get<LogsResponse>(`api/runs/${runId}/logs?${params.toString()}`);
  }

  return {
    run: (id) => get<RunDetail>(`api/runs/${id}`),
    async runs(filter, limit) {
      const params = new URLSearchParams({ limit: String(limit) });
      if (filter.club !== null) params.set('club', filter.club);
      if (filter.pipeline !== null) params.set('pipeline', filter.pipeline);
      if (filter.status !== undefined) params.set('status', filter.status);
      return (await get<Page<RunView>>(`api/runs?${params.toString()}`)).items;
    },
    async linesAfter(runId, afterOffset, onPage) {
      let after = afterOffset;
      for (;;) {
        const page = await logs(runId, { after, limit: LOG_PAGE });
        const last = page.lines[page.lines.length - 1];
        if (last === undefined) return;
        onPage(page.lines);
        if (!page.hasNewer) return;
        after = last.offset;
      }
    },
    async linesSince(runId, sinceTime) {
      const pages: LogLineView[][] = [];
      let before: number | null = null;
      let lastOffset = -1;
      for (;;) {
        const page: LogsResponse = await logs(
          runId,
          before === null ? { limit: LOG_PAGE } : { before, limit: LOG_PAGE },
        );
        if (before === null) lastOffset = page.lines[page.lines.length - 1]?.offset ?? -1;
        pages.unshift(page.lines.filter((line) => line.time >= sinceTime));
        const first = page.lines[0];
        // Lines are in file order, and times nearly so: stop at the first page that reaches back past the cutoff.
        if (first === undefined || first.time < sinceTime || !page.hasOlder) return { lines: pages.flat(), lastOffset };
        before = first.offset;
      }
    },
    async lastOffset(runId) {
      const page = await logs(runId, { limit: 1 });
      return page.lines[0]?.offset ?? -1;
    },
    async publicUrl() {
      const config = await get<Partial<ConfigView>>('api/config');
      return typeof config.publicUrl === 'string' && config.publicUrl !== '' ? config.publicUrl : null;
    },
  };
}
