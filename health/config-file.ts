// The config file (`runboard start --config FILE`): YAML or JSON text and an environment in, a typed config or every
// problem out, one line each with the file, the path in the document and line:column. Pure: the shell reads the file
// and passes process.env, so `check-config`, start and SIGHUP reload all judge a file the same way.
import { dirname, isAbsolute, resolve } from 'node:path';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { readAlertsConfig, type AlertsConfig } from '../alerts/config.js';
import { checkKeys, pathText, type ConfigJson, type Report, type Segment } from './config-keys.js';
import { readPipelines, readStringList, type PipelineScheduleConfig } from './config-pipelines.js';
import { parseDuration } from './duration.js';

// Re-exported: the config file's readers and its display are split by section, its users import from here.
export { pathText, type ConfigJson } from './config-keys.js';
export { DEFAULT_GRACE_MS, type PipelineScheduleConfig } from './config-pipelines.js';
export { maskConfigForDisplay } from './config-mask.js';

export interface RunboardFileConfig {
  file: string;
  pipelines: PipelineScheduleConfig[];
  /** Absolute; a relative path in the file is read relative to the file's folder. */
  crontabs: string[];
  /** Absolute http(s) URL without a trailing slash. */
  publicUrl?: string;
  /**
   * Fields naming a failing record for every pipeline, first present wins: in place of `--identifier-fields`, after
   * a pipeline entry's own list. Null when the file has none.
   */
  identifierFields: string[] | null;
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

const TOP_LEVEL_KEYS = ['pipelines', 'crontabs', 'publicUrl', 'identifierFields', 'alerts'];

/** `file:line:col: path: message`, the shape compilers use, so editors and terminals can jump to it. */
export function formatConfigProblem(problem: ConfigFileProblem): string {
  const where = problem.line === null ? problem.file : `${problem.file}:${problem.line}:${problem.column ?? 1}`;
  return `${where}: ${problem.path === '' ? '' : `${problem.path}: `}${problem.message}`;
}

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
  const identifierFields = readStringList(top.identifierFields, ['identifierFields'], report);
  // An empty list would name no record at all: almost surely a mistake, and the flag's list is there for "default".
  if (Array.isArray(top.identifierFields) && top.identifierFields.length === 0)
    report(['identifierFields'], 'must list at least one field, e.g. [identifier, knvb_id, memberId]');
  const alertsConfig = readAlertsConfig(top.alerts, report, parseDuration);

  if (problems.length > 0) return { ok: false, problems: byPosition(problems) };
  const config: RunboardFileConfig = {
    file,
    pipelines,
    crontabs,
    identifierFields,
    document: top,
    expanded,
    alertsConfig,
  };
  if (publicUrl !== undefined) config.publicUrl = publicUrl;
  if (top.alerts !== undefined) config.alerts = top.alerts;
  return { ok: true, config };
}

/** Top to bottom, as the operator reads the file; problems without a place last, in the order found. */
function byPosition(problems: ConfigFileProblem[]): ConfigFileProblem[] {
  const line = (p: ConfigFileProblem): number => p.line ?? Infinity;
  // Array.prototype.sort is stable, so problems at the same place keep the order they were found in.
  return [...problems].sort((a, b) => line(a) - line(b) || (a.column ?? 0) - (b.column ?? 0));
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
