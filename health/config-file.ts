// The config file (`runboard start --config FILE`): YAML or JSON text and an environment in, a typed config or every
// problem out, one line each with the file, the path in the document and line:column. Pure: the shell reads the file
// and passes process.env, so `check-config`, start and SIGHUP reload all judge a file the same way.
import { dirname, isAbsolute, resolve } from 'node:path';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { readAlertsConfig, type AlertsConfig } from '../alerts/config.js';
import { parseDuration } from './duration.js';
import { compileSchedule, isValidTimezone } from './schedule.js';

/** JSON as the document holds it after `${VAR}` expansion. */
export type ConfigJson = null | boolean | number | string | ConfigJson[] | { [key: string]: ConfigJson };

/** One `pipelines:` entry. Only `pipeline` is required: an entry may exist just to set grace or maxDuration. */
export interface PipelineScheduleConfig {
  pipeline: string;
  /** null: this pipeline in every club (an entry naming the club wins over it). */
  club: string | null;
  /** 5 fields, 6 with seconds first, or a shortcut; null: the schedule comes from a crontab or the run. */
  schedule: string | null;
  /** IANA zone as written; null: the machine's (applied when the schedule is resolved). */
  timezone: string | null;
  /** A run not started by due + grace is late. Default 5 min. */
  graceMs: number;
  /** A running run past this is stuck; null: learned from the pipeline's history. */
  maxDurationMs: number | null;
  /** Fields of this pipeline's error lines that name the failing record, tried before the global list. */
  identifierFields: string[] | null;
  /** Where it is in the document, e.g. `pipelines[2]`. */
  path: string;
}

export interface RunboardFileConfig {
  file: string;
  pipelines: PipelineScheduleConfig[];
  /** Absolute; a relative path in the file is read relative to the file's folder. */
  crontabs: string[];
  /** Absolute http(s) URL without a trailing slash. */
  publicUrl?: string;
  /** The `alerts:` section as written (after expansion), for display. */
  alerts?: ConfigJson;
  /** The `alerts:` section checked and typed (alerts/config.ts); empty without one. */
  alertsConfig: AlertsConfig;
  /** The whole document after expansion, for `GET /api/config` through {@link maskConfigForDisplay}. */
  document: ConfigJson;
  /** Path in the document → the text as written (`${SMTP_PASSWORD}`), for every value `${...}` expansion changed. */
  expanded: Record<string, string>;
}

export interface ConfigFileProblem {
  file: string;
  /** Path in the document, e.g. `pipelines[2].schedule`; empty for the whole document. */
  path: string;
  /** 1-based; null when the problem has no place in the text (a missing key points at its map). */
  line: number | null;
  column: number | null;
  message: string;
}

export type ConfigFileResult = { ok: true; config: RunboardFileConfig } | { ok: false; problems: ConfigFileProblem[] };

export interface ConfigFileOptions {
  /** Shown in problems and used to resolve relative crontab paths. */
  file: string;
  /** Source of `${VAR}` values: the daemon passes process.env. */
  env: Readonly<Record<string, string | undefined>>;
}

export const DEFAULT_GRACE_MS = 5 * 60_000;

const TOP_LEVEL_KEYS = ['pipelines', 'crontabs', 'publicUrl', 'alerts'];
const PIPELINE_KEYS = ['pipeline', 'club', 'schedule', 'timezone', 'grace', 'maxDuration', 'identifierFields'];
const DURATION_HINT = 'a duration such as 90s, 15m, 2h, 1d (or a number of ms)';

/** `file:line:col: path: message`, the shape compilers use, so editors and terminals can jump to it. */
export function formatConfigProblem(problem: ConfigFileProblem): string {
  const where = problem.line === null ? problem.file : `${problem.file}:${problem.line}:${problem.column ?? 1}`;
  return `${where}: ${problem.path === '' ? '' : `${problem.path}: `}${problem.message}`;
}

type Segment = string | number;

export function parseConfigFile(text: string, options: ConfigFileOptions): ConfigFileResult {
  const { file } = options;
  const lineCounter = new LineCounter();
  // prettyErrors off: its messages carry a multi-line excerpt, and a problem must be one line.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: ConfigFileProblem[] = [];

  const at = (offset: number | undefined): { line: number | null; column: number | null } => {
    if (offset === undefined) return { line: null, column: null };
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const expanded: Record<string, string> = {};
  const expandedValues = new Map<string, string>();
  /** Values whose expansion failed: already reported once, so "is not a duration" etc. would only repeat it. */
  const unexpanded = new Set<string>();
  let expanding = true;
  const report = (segments: readonly Segment[], message: string, pointAtKey = false): void => {
    const path = pathText(segments);
    if (expanding) unexpanded.add(path);
    else if (unexpanded.has(path)) return;
    // A message quoting a value from the environment shows it as written (`${SMTP_PASSWORD}`): problems are logged.
    const actual = expandedValues.get(path);
    const template = expanded[path];
    const safe = actual && template !== undefined ? message.split(actual).join(template) : message;
    problems.push({ file, path, ...at(offsetOf(doc, segments, pointAtKey)), message: safe });
  };

  for (const error of doc.errors) {
    problems.push({ file, path: '', ...at(error.pos[0]), message: error.message.split('\n')[0] ?? error.code });
  }
  if (problems.length > 0) return { ok: false, problems };

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    report([], error instanceof Error ? error.message : String(error));
    return { ok: false, problems };
  }

  const document = expandDocument(raw, [], options.env, { expanded, expandedValues }, report);
  expanding = false;

  if (document !== null && (typeof document !== 'object' || Array.isArray(document))) {
    report([], 'the file must be a map with keys such as pipelines:, crontabs:, publicUrl:');
    return { ok: false, problems };
  }
  const top: { [key: string]: ConfigJson } = document ?? {};
  checkKeys(top, [], TOP_LEVEL_KEYS, report);

  const pipelines = readPipelines(top.pipelines, report);
  const crontabs = readCrontabs(top.crontabs, file, report);
  const publicUrl = readPublicUrl(top.publicUrl, report);
  const alertsConfig = readAlertsConfig(top.alerts, report, parseDuration);

  if (problems.length > 0) return { ok: false, problems: byPosition(problems) };
  const config: RunboardFileConfig = { file, pipelines, crontabs, document: top, expanded, alertsConfig };
  if (publicUrl !== undefined) config.publicUrl = publicUrl;
  if (top.alerts !== undefined) config.alerts = top.alerts;
  return { ok: true, config };
}

type Report = (segments: readonly Segment[], message: string, pointAtKey?: boolean) => void;

/** Top to bottom, as the operator reads the file; problems without a place last, in the order found. */
function byPosition(problems: ConfigFileProblem[]): ConfigFileProblem[] {
  const line = (p: ConfigFileProblem): number => p.line ?? Infinity;
  // Array.prototype.sort is stable, so problems at the same place keep the order they were found in.
  return [...problems].sort((a, b) => line(a) - line(b) || (a.column ?? 0) - (b.column ?? 0));
}

function readPipelines(value: ConfigJson | undefined, report: Report): PipelineScheduleConfig[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    report(['pipelines'], 'must be a list of entries (- pipeline: NAME ...)');
    return [];
  }
  const out: PipelineScheduleConfig[] = [];
  const seen = new Map<string, string>();
  value.forEach((item, index) => {
    const base: Segment[] = ['pipelines', index];
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      report(base, 'must be a map with at least pipeline: NAME');
      return;
    }
    checkKeys(item, base, PIPELINE_KEYS, report);
    const name = (key: string, required: boolean): string | null => {
      const got = item[key];
      if (got === undefined || got === null) {
        if (required) report(base, `${key}: is required`);
        return null;
      }
      if (typeof got !== 'string' || got.trim() === '') {
        report([...base, key], `must be a non-empty string${typeof got === 'number' ? ' (quote it)' : ''}`);
        return null;
      }
      return got.trim();
    };
    const pipeline = name('pipeline', true);
    const club = name('club', false);

    const timezone = name('timezone', false);
    const timezoneOk = timezone === null || isValidTimezone(timezone);
    if (!timezoneOk) report([...base, 'timezone'], `"${timezone}" is not an IANA time zone (e.g. Europe/Amsterdam)`);

    const schedule = name('schedule', false);
    if (schedule !== null) {
      // The zone is reported on its own line above; check the expression in a zone known to exist.
      const checked = compileSchedule(schedule, timezone !== null && timezoneOk ? timezone : 'UTC');
      if (!checked.ok) report([...base, 'schedule'], checked.reason);
    }

    const graceMs = readDuration(item.grace, [...base, 'grace'], report) ?? DEFAULT_GRACE_MS;
    const maxDurationMs = readDuration(item.maxDuration, [...base, 'maxDuration'], report);
    const identifierFields = readStringList(item.identifierFields, [...base, 'identifierFields'], report);

    if (pipeline === null) return;
    const key = `${club ?? '*'}\n${pipeline}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      report(
        base,
        `${pipeline}${club === null ? ' (every club)' : ` (club ${club})`} is already configured at ${earlier}`,
      );
      return;
    }
    seen.set(key, pathText(base));
    out.push({ pipeline, club, schedule, timezone, graceMs, maxDurationMs, identifierFields, path: pathText(base) });
  });
  return out;
}

function readDuration(value: ConfigJson | undefined, segments: Segment[], report: Report): number | null {
  if (value === undefined || value === null) return null;
  const ms = typeof value === 'number' || typeof value === 'string' ? parseDuration(String(value)) : null;
  if (ms === null) report(segments, `${JSON.stringify(value)} is not ${DURATION_HINT}`);
  return ms;
}

function readStringList(value: ConfigJson | undefined, segments: Segment[], report: Report): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) {
    report(segments, 'must be a list of strings, e.g. [knvb_id]');
    return null;
  }
  const out: string[] = [];
  value.forEach((item, index) => {
    if (typeof item === 'string' && item.trim() !== '') out.push(item.trim());
    else report([...segments, index], 'must be a non-empty string');
  });
  return out;
}

function readCrontabs(value: ConfigJson | undefined, file: string, report: Report): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    report(['crontabs'], 'must be a list of cron file paths, e.g. [/etc/cron.d/rondo-sync]');
    return [];
  }
  const out: string[] = [];
  value.forEach((item, index) => {
    if (typeof item !== 'string' || item.trim() === '') {
      report(['crontabs', index], 'must be a file path');
      return;
    }
    const path = item.trim();
    out.push(isAbsolute(path) ? path : resolve(dirname(file), path));
  });
  return out;
}

function readPublicUrl(value: ConfigJson | undefined, report: Report): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    try {
      const url = new URL(value.trim());
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.href.replace(/\/+$/, '');
    } catch {
      // reported below
    }
  }
  report(['publicUrl'], `${JSON.stringify(value)} is not an absolute http(s) URL, e.g. https://runboard.example.org`);
  return undefined;
}

function checkKeys(map: { [key: string]: ConfigJson }, base: Segment[], known: string[], report: Report): void {
  for (const key of Object.keys(map)) {
    if (known.includes(key)) continue;
    const near = known.find((candidate) => editDistance(candidate.toLowerCase(), key.toLowerCase()) <= 2);
    report(
      [...base, key],
      `unknown key${near ? `; did you mean ${near}?` : ` (known here: ${known.join(', ')})`}`,
      true,
    );
  }
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(
        (row[j] ?? 0) + 1,
        (next[j - 1] ?? 0) + 1,
        (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

const VARIABLE = /\$\$|\$\{([^}]*)\}|\$\{/g;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Expands `${VAR}` in string values (never in keys), after parsing: a value with quotes, colons or newlines in it
 * can't change the document's structure, it only ever becomes the string it is. `$${` is a literal `${`.
 */
function expandDocument(
  value: unknown,
  segments: Segment[],
  env: Readonly<Record<string, string | undefined>>,
  sink: { expanded: Record<string, string>; expandedValues: Map<string, string> },
  report: Report,
): ConfigJson {
  if (typeof value === 'string') {
    if (!value.includes('$')) return value;
    const result = value.replace(VARIABLE, (match, name: string | undefined) => {
      if (match === '$$') return '$';
      if (name === undefined) {
        report(segments, `unclosed \${ in ${JSON.stringify(value)}`);
        return match;
      }
      if (!VARIABLE_NAME.test(name)) {
        report(segments, `\${${name}} is not a variable name (letters, digits, _)`);
        return match;
      }
      const got = env[name];
      if (got === undefined) {
        report(segments, `\${${name}} is not set in the environment`);
        return match;
      }
      return got;
    });
    if (/\$\{/.test(value.replace(/\$\$/g, ''))) {
      sink.expanded[pathText(segments)] = value;
      sink.expandedValues.set(pathText(segments), result);
    }
    return result;
  }
  if (Array.isArray(value))
    return value.map((item, index) => expandDocument(item, [...segments, index], env, sink, report));
  if (value instanceof Map || value instanceof Set) {
    report(segments, 'must use plain string keys');
    return null;
  }
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: ConfigJson } = {};
    for (const [key, item] of Object.entries(value))
      out[key] = expandDocument(item, [...segments, key], env, sink, report);
    return out;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  // A `!!timestamp` or `!!binary` tag: config values are plain JSON.
  if (value instanceof Date) return value.toISOString();
  report(segments, 'must be a string, number, boolean, list or map');
  return null;
}

const MASK = '********';
/** Keys whose values (and everything under them) are never shown: `password`, `smtpPass`, `token`, `webhookUrl` … */
const SECRET_KEY = /pass(word|wd)?$|token|secret|webhook|api[-_]?key|credential|private[-_]?key|^auth/i;

/**
 * The document as `GET /api/config` may serve it: values under a secret-named key become `********`, a value that
 * came from `${...}` shows the text as written (`${SMTP_PASSWORD}`, never its value), and a URL's password is hidden.
 */
export function maskConfigForDisplay(config: Pick<RunboardFileConfig, 'document' | 'expanded'>): ConfigJson {
  return maskValue(config.document, [], config.expanded, false);
}

function maskValue(
  value: ConfigJson,
  segments: Segment[],
  expanded: Record<string, string>,
  secret: boolean,
): ConfigJson {
  if (Array.isArray(value)) return value.map((item, index) => maskValue(item, [...segments, index], expanded, secret));
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: ConfigJson } = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = maskValue(item, [...segments, key], expanded, secret || SECRET_KEY.test(key));
    }
    return out;
  }
  if (secret && value !== null && value !== '') return MASK;
  const template = expanded[pathText(segments)];
  if (template !== undefined) return template;
  // A Slack or webhook URL's path and query are its credential (hooks.slack.com/services/T/B/xyz): show the host.
  if (typeof value === 'string' && /^alerts\.channels\[\d+\]\.url$/.test(pathText(segments))) return originOnly(value);
  return typeof value === 'string' ? hideUrlPassword(value) : value;
}

function originOnly(text: string): string {
  try {
    return `${new URL(text).origin}/${MASK}`;
  } catch {
    return MASK;
  }
}

function hideUrlPassword(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)[^/\s@]+@/gi, `$1${MASK}@`);
}

/** `pipelines[2].schedule`; keys that aren't plain words are quoted: `alerts["smtp host"]`. */
export function pathText(segments: readonly Segment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Offset of the value at `segments` (or of its key), or of the nearest enclosing node that exists. */
function offsetOf(doc: Document, segments: readonly Segment[], pointAtKey: boolean): number | undefined {
  for (let length = segments.length; length >= 0; length--) {
    const path = segments.slice(0, length);
    if (pointAtKey && length === segments.length && length > 0) {
      const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
      if (isMap(parent)) {
        const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === path.at(-1));
        if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
      }
      continue;
    }
    const node: unknown = length === 0 ? doc.contents : doc.getIn(path, true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return range[0];
  }
  return undefined;
}
