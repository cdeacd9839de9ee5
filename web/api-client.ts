// Typed client for the REST API (shapes from shared/api.ts and shared/alerts.ts). A 401 asks for the token once (shared by every
// request waiting on it), logs in with POST /api/login — which sets the cookie that also authenticates the
// live socket — and retries. DOM-free: fetch and the prompt are injected.
import type { AlertChannelsResponse, AlertKind, AlertView, TestAlertOutcome } from '../shared/alerts.js';
import type {
  ErrorGroup,
  ErrorGroupAck,
  ErrorGroupSort,
  ErrorGroupsResponse,
  ErrorView,
  LogsResponse,
  Page,
  PipelineSummary,
  RunDetail,
  RunView,
  SessionView,
} from '../shared/api.js';
import type { HealthHistoryEntry, ScheduleHistoryView } from '../shared/health.js';

export type QueryValue = string | number | null | undefined;

/** What names an error group for a write. */
export type ErrorGroupKey = Pick<ErrorGroup, 'club' | 'pipeline' | 'fingerprint'>;

/** `/api/runs?club=a&limit=50`; empty, null and undefined values are left out. */
export function apiPath(path: string, params: Record<string, QueryValue> = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === '') continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** `/api/pipelines/<club>/<pipeline>`, each name one path segment whatever it holds. */
function pipelinePath(club: string, pipeline: string): string {
  return `/api/pipelines/${encodeURIComponent(club)}/${encodeURIComponent(pipeline)}`;
}

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

/** Asks the operator for the token; `retry` is true after a wrong one. Resolves null when they cancel. */
export type TokenPrompt = (retry: boolean) => Promise<string | null>;

export interface ApiClientOptions {
  baseUrl?: string;
  fetch?: typeof fetch;
  promptToken?: TokenPrompt;
  /** Called after a successful login (the live socket reconnects with the new cookie). */
  onLogin?: () => void;
  /** Called when the operator dismisses the prompt: requests waiting on it fail with 401. */
  onLoginCancelled?: () => void;
}

export interface RunsQuery {
  club?: string | null;
  pipeline?: string | null;
  status?: string | null;
  /** 'some' / 'none': runs that counted failed records, or none (see history-status). */
  failedRecords?: 'some' | 'none' | null;
  cursor?: string | null;
  limit?: number;
}

export interface LogsQuery {
  after?: number | null;
  before?: number | null;
  limit?: number;
  level?: number | string;
  step?: string;
  q?: string;
}

export interface ErrorsQuery {
  club?: string | null;
  pipeline?: string | null;
  system?: string | null;
  identifier?: string | null;
  fingerprint?: string | null;
  runId?: number | null;
  cursor?: string | null;
  limit?: number;
}

const MAX_BUSY_RETRIES = 5;

/** Retry-After in seconds (as the server sends it), bounded to 0.2..5 s; 1 s when absent or unreadable. */
export function retryAfterMs(header: string | null): number {
  const seconds = header === null ? NaN : Number(header);
  return Number.isFinite(seconds) ? Math.min(5000, Math.max(200, seconds * 1000)) : 1000;
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    });
  });
}

async function errorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { message?: unknown; error?: unknown };
    if (typeof body.message === 'string') return body.message;
    if (typeof body.error === 'string') return body.error;
  } catch {
    // not JSON: fall through to the status text
  }
  return `${response.status} ${response.statusText}`.trim();
}

export class ApiClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly promptToken: TokenPrompt | undefined;
  private readonly onLogin: (() => void) | undefined;
  private readonly onLoginCancelled: (() => void) | undefined;
  private login: Promise<void> | null = null;

  constructor(options: ApiClientOptions = {}) {
    this.baseUrl = options.baseUrl ?? '';
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.promptToken = options.promptToken;
    this.onLogin = options.onLogin;
    this.onLoginCancelled = options.onLoginCancelled;
  }

  get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.request<T>(path, { headers: { accept: 'application/json' } }, signal);
  }

  /** A JSON write; the session cookie and the page's own Origin go with it (the server checks both). */
  post<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    return this.request<T>(
      path,
      {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      },
      signal,
    );
  }

  private async request<T>(path: string, init: RequestInit, signal?: AbortSignal): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const response = await this.fetchImpl(this.baseUrl + path, { ...init, credentials: 'same-origin', signal });
      if (response.status === 401 && this.promptToken && attempt < 3) {
        await this.authenticate();
        continue;
      }
      // The server bounds concurrent heavy queries and says when to come back: a page's burst of reads (or a
      // busy moment) waits its turn instead of showing an error.
      if (response.status === 429 && attempt < MAX_BUSY_RETRIES) {
        await response.body?.cancel();
        await delay(retryAfterMs(response.headers.get('retry-after')), signal);
        continue;
      }
      if (!response.ok) throw new ApiRequestError(response.status, await errorMessage(response), path);
      return (response.status === 204 ? undefined : await response.json()) as T;
    }
  }

  /** One login at a time: every request that got a 401 waits for the same prompt. */
  authenticate(): Promise<void> {
    this.login ??= this.promptUntilLoggedIn().finally(() => {
      this.login = null;
    });
    return this.login;
  }

  private async promptUntilLoggedIn(): Promise<void> {
    const prompt = this.promptToken;
    if (!prompt) throw new ApiRequestError(401, 'authentication required', '/api/login');
    for (let retry = false; ; retry = true) {
      const token = await prompt(retry);
      if (token === null) {
        this.onLoginCancelled?.();
        throw new ApiRequestError(401, 'authentication required', '/api/login');
      }
      if (await this.postLogin(token)) {
        this.onLogin?.();
        return;
      }
    }
  }

  /** POST /api/login; true when the server accepted the token (and set the cookie). */
  async postLogin(token: string): Promise<boolean> {
    const response = await this.fetchImpl(this.baseUrl + '/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ token }),
    });
    if (response.ok) return true;
    if (response.status === 401 || response.status === 403) return false;
    throw new ApiRequestError(response.status, await errorMessage(response), '/api/login');
  }

  pipelines(club: string | null, signal?: AbortSignal): Promise<PipelineSummary[]> {
    return this.get(apiPath('/api/pipelines', { club }), signal);
  }

  session(signal?: AbortSignal): Promise<SessionView> {
    return this.get('/api/session', signal);
  }

  runs(query: RunsQuery, signal?: AbortSignal): Promise<Page<RunView>> {
    return this.get(apiPath('/api/runs', { ...query }), signal);
  }

  run(runId: number, signal?: AbortSignal): Promise<RunDetail> {
    return this.get(`/api/runs/${runId}`, signal);
  }

  logs(runId: number, query: LogsQuery, signal?: AbortSignal): Promise<LogsResponse> {
    return this.get(apiPath(`/api/runs/${runId}/logs`, { ...query }), signal);
  }

  runErrors(runId: number, query: { cursor?: string | null; limit?: number } = {}, signal?: AbortSignal) {
    return this.get<Page<ErrorView>>(apiPath(`/api/runs/${runId}/errors`, { ...query }), signal);
  }

  errors(query: ErrorsQuery, signal?: AbortSignal): Promise<Page<ErrorView>> {
    return this.get(apiPath('/api/errors', { ...query }), signal);
  }

  errorGroups(
    query: {
      club?: string | null;
      pipeline?: string | null;
      since?: number | null;
      sort?: ErrorGroupSort | null;
      identifier?: string | null;
      runId?: number | null;
      acknowledged?: 'show' | 'hide' | null;
      consecutive?: number;
    },
    signal?: AbortSignal,
  ) {
    return this.get<ErrorGroupsResponse>(apiPath('/api/errors/groups', { ...query }), signal);
  }

  /** Acknowledges a group through the last occurrence the page showed (`lastSeen`). */
  acknowledgeErrorGroup(group: ErrorGroupKey, lastSeen: number): Promise<ErrorGroupAck> {
    return this.request<ErrorGroupAck>(this.ackPath(group, lastSeen), {
      method: 'POST',
      headers: { accept: 'application/json' },
    });
  }

  unacknowledgeErrorGroup(group: ErrorGroupKey): Promise<void> {
    return this.request<void>(this.ackPath(group), { method: 'DELETE', headers: { accept: 'application/json' } });
  }

  private ackPath(group: ErrorGroupKey, lastSeen?: number): string {
    return apiPath(`/api/errors/groups/${encodeURIComponent(group.fingerprint)}/ack`, {
      club: group.club,
      pipeline: group.pipeline,
      lastSeen,
    });
  }

  alerts(
    query: {
      club?: string | null;
      pipeline?: string | null;
      kind?: AlertKind | null;
      cursor?: string | null;
      limit?: number;
    },
    signal?: AbortSignal,
  ): Promise<Page<AlertView>> {
    return this.get(apiPath('/api/alerts', { ...query }), signal);
  }

  alertChannels(signal?: AbortSignal): Promise<AlertChannelsResponse> {
    return this.get('/api/alerts/channels', signal);
  }

  /** Sends a test alert through the channel; resolves with the outcome (delivered or the channel's error). */
  testAlert(channel: string): Promise<TestAlertOutcome> {
    return this.post('/api/alerts/test', { channel });
  }

  /** Expected against actual start times of a pipeline's recent runs. */
  scheduleHistory(club: string, pipeline: string, signal?: AbortSignal): Promise<ScheduleHistoryView> {
    return this.get(`${pipelinePath(club, pipeline)}/schedule-history`, signal);
  }

  /** A pipeline's health changes, newest first. */
  healthHistory(
    club: string,
    pipeline: string,
    query: { cursor?: string | null; limit?: number } = {},
    signal?: AbortSignal,
  ): Promise<Page<HealthHistoryEntry>> {
    return this.get(apiPath(`${pipelinePath(club, pipeline)}/health-history`, { ...query }), signal);
  }

  logDownloadUrl(runId: number): string {
    return `${this.baseUrl}/api/runs/${runId}/log.ndjson`;
  }
}
