// Reads the crontab that already runs the pipelines, so a schedule is never written twice: every line whose command
// runs `runboard exec --pipeline NAME [--club C]` gives that pipeline its schedule. runboard only observes cron; it
// never writes a crontab. Pure: text in, entries and problems out (the shell reads the file and watches it).
import { compileSchedule, CRON_SHORTCUTS, isValidTimezone } from './schedule.js';

/** `system`: /etc/crontab and /etc/cron.d/* lines carry a user field after the schedule; `user`: `crontab -e` files. */
export type CrontabFormat = 'system' | 'user';

export interface CrontabEntry {
  pipeline: string;
  /** `--club`; null when the line has none, so the run lands in exec's default club (`default`). */
  club: string | null;
  /** The line's five fields joined by single spaces, or its shortcut (`@daily`). */
  schedule: string;
  /** From the nearest `CRON_TZ=` (or else `TZ=`) line above; null = cron's own zone, the machine's. */
  timezone: string | null;
  /** The user field of a system crontab; null in a user crontab. */
  user: string | null;
  /** `file:line`, 1-based, for the UI and `GET /api/config`. */
  source: string;
}

/** A line that runs `runboard exec` but can't give a schedule; lines that don't mention runboard are never problems. */
export interface CrontabProblem {
  source: string;
  message: string;
}

export interface CrontabParseResult {
  entries: CrontabEntry[];
  problems: CrontabProblem[];
}

/** By path, as cron itself decides: /etc/crontab and files in /etc/cron.d have the user field. */
export function crontabFormatForPath(path: string): CrontabFormat {
  return path === '/etc/crontab' || path.startsWith('/etc/cron.d/') ? 'system' : 'user';
}

const ENV_LINE = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/;

export function parseCrontab(
  text: string,
  file: string,
  format: CrontabFormat = crontabFormatForPath(file),
): CrontabParseResult {
  const entries: CrontabEntry[] = [];
  const problems: CrontabProblem[] = [];
  type ZoneSetting = { value: string; line: number } | null;
  const zones: { CRON_TZ: ZoneSetting; TZ: ZoneSetting } = { CRON_TZ: null, TZ: null };
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] ?? '').trim();
    const source = `${file}:${index + 1}`;
    if (line === '' || line.startsWith('#')) continue;
    const env = ENV_LINE.exec(line);
    if (env) {
      const name = env[1] ?? '';
      // cronie reads CRON_TZ for the lines below it; TZ is honoured too (the issue asks for it), CRON_TZ winning.
      if (name === 'CRON_TZ' || name === 'TZ') {
        const value = unquote(env[2] ?? '');
        zones[name] = value === '' ? null : { value, line: index + 1 };
      }
      continue;
    }
    const parsed = splitCronLine(line, format);
    if (!parsed) continue;
    if (parsed.schedule.toLowerCase() === '@reboot') continue;
    const invocations = findRunboardExec(parsed.command);
    if (invocations.length === 0) continue;
    const zone = zones.CRON_TZ ?? zones.TZ;
    const timezone = zone?.value ?? null;
    if (zone && !isValidTimezone(zone.value)) {
      const name = zone === zones.CRON_TZ ? 'CRON_TZ' : 'TZ';
      problems.push({ source, message: `${name}=${zone.value} (line ${zone.line}) is not an IANA time zone` });
      continue;
    }
    // The zone only matters for due times; the expression is checked the same in any zone.
    const checked = compileSchedule(parsed.schedule, timezone ?? 'UTC');
    if (!checked.ok) {
      problems.push({ source, message: checked.reason });
      continue;
    }
    for (const invocation of invocations) {
      if ('problem' in invocation) {
        problems.push({ source, message: invocation.problem });
        continue;
      }
      entries.push({ ...invocation, schedule: parsed.schedule, timezone, user: parsed.user, source });
    }
  }
  return { entries, problems };
}

interface CronLine {
  schedule: string;
  user: string | null;
  command: string;
}

function splitCronLine(line: string, format: CrontabFormat): CronLine | null {
  const fields = line.split(/\s+/);
  const first = fields[0] ?? '';
  const scheduleFields = first.startsWith('@') ? 1 : 5;
  if (first.startsWith('@') && CRON_SHORTCUTS[first.toLowerCase()] === undefined && first.toLowerCase() !== '@reboot')
    return null;
  const userFields = format === 'system' ? 1 : 0;
  if (fields.length < scheduleFields + userFields + 1) return null;
  // Re-find the command in the original text so its spacing and quoting survive.
  let rest = line;
  for (let i = 0; i < scheduleFields + userFields; i++) rest = rest.replace(/^\S+\s+/, '');
  return {
    schedule: fields.slice(0, scheduleFields).join(' '),
    user: userFields ? (fields[scheduleFields] ?? null) : null,
    command: cronCommand(rest),
  };
}

/** cron turns an unescaped `%` into a newline and feeds the rest to stdin: only the part before it runs. */
function cronCommand(rest: string): string {
  let command = '';
  for (let i = 0; i < rest.length; i++) {
    const char = rest[i];
    if (char === '\\' && rest[i + 1] === '%') {
      command += '%';
      i++;
    } else if (char === '%') {
      break;
    } else {
      command += char;
    }
  }
  return command;
}

function unquote(value: string): string {
  const trimmed = value.trim();
  const quote = trimmed[0];
  return (quote === '"' || quote === "'") && trimmed.endsWith(quote) && trimmed.length >= 2
    ? trimmed.slice(1, -1)
    : trimmed;
}

type Invocation = { pipeline: string; club: string | null } | { problem: string };

interface Word {
  text: string;
  /** An unquoted or double-quoted `$`: the shell substitutes it, so its value is unknown here. */
  expands: boolean;
}

/** The runboard executable as cron may name it: `runboard`, `/usr/bin/runboard`, `node_modules/.bin/runboard`, `runboard@1`. */
const RUNBOARD_WORD = /(^|\/)runboard(@[^/\s]*)?$/;
const EXEC_VALUE_FLAGS = new Set(['pipeline', 'club', 'runs-dir', 'trigger', 'schedule', 'timezone']);

/**
 * Every `runboard exec` a shell command line runs, with its `--pipeline` and `--club`: after `cd … &&`, env
 * assignments, `npx`, `flock …`, or inside `sh -c "…"`. Exported for its tests.
 */
export function findRunboardExec(command: string, depth = 0): Invocation[] {
  const found: Invocation[] = [];
  const words = shellWords(command);
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (!word) continue;
    if (depth < 2 && /\s/.test(word.text) && /runboard/.test(word.text)) {
      // `bash -lc "runboard exec …"`: the quoted script is a command line of its own.
      found.push(...findRunboardExec(word.text, depth + 1));
      continue;
    }
    if (!RUNBOARD_WORD.test(word.text) || words[i + 1]?.text !== 'exec') continue;
    const invocation = readExecFlags(words, i + 2);
    found.push(invocation.result);
    i = invocation.end - 1;
  }
  return found;
}

function readExecFlags(words: Word[], start: number): { result: Invocation; end: number } {
  let pipeline: Word | null = null;
  let club: Word | null = null;
  let i = start;
  for (; i < words.length; i++) {
    const word = words[i];
    if (!word || word.text === '--' || OPERATORS.has(word.text) || !word.text.startsWith('--')) break;
    const eq = word.text.indexOf('=');
    const name = word.text.slice(2, eq === -1 ? undefined : eq);
    let value: Word | null = null;
    if (eq !== -1) value = { text: word.text.slice(eq + 1), expands: word.expands };
    else if (EXEC_VALUE_FLAGS.has(name)) value = words[++i] ?? null;
    if (name === 'pipeline') pipeline = value;
    if (name === 'club') club = value;
  }
  if (!pipeline || pipeline.text === '')
    return { result: { problem: 'runs runboard exec without --pipeline' }, end: i };
  for (const [flag, value] of [
    ['--pipeline', pipeline],
    ['--club', club],
  ] as const) {
    if (value?.expands) {
      return {
        result: { problem: `${flag} ${value.text} uses a shell variable; name the ${flag.slice(2)} literally` },
        end: i,
      };
    }
  }
  return { result: { pipeline: pipeline.text, club: club?.text || null }, end: i };
}

const OPERATORS = new Set(['&&', '||', ';', '|', '&', '(', ')']);

/**
 * Splits a command line as sh would into words and control operators, keeping quoting's meaning (quotes removed,
 * `'$x'` literal, `"$x"` expanding). Enough of sh for finding an invocation; not an interpreter.
 */
function shellWords(command: string): Word[] {
  const words: Word[] = [];
  let current: Word | null = null;
  const push = (): void => {
    if (current) words.push(current);
    current = null;
  };
  const append = (text: string, expands = false): void => {
    current ??= { text: '', expands: false };
    current.text += text;
    current.expands ||= expands;
  };
  for (let i = 0; i < command.length; i++) {
    const char = command[i] ?? '';
    if (/\s/.test(char)) {
      push();
    } else if (char === "'") {
      const close = command.indexOf("'", i + 1);
      const end = close === -1 ? command.length : close;
      append(command.slice(i + 1, end));
      i = end;
    } else if (char === '"') {
      let j = i + 1;
      let text = '';
      let expands = false;
      for (; j < command.length && command[j] !== '"'; j++) {
        if (command[j] === '\\' && j + 1 < command.length && '"\\$`'.includes(command[j + 1] ?? ''))
          text += command[++j];
        else {
          if (command[j] === '$' || command[j] === '`') expands = true;
          text += command[j];
        }
      }
      append(text, expands);
      i = j;
    } else if (char === '\\') {
      append(command[i + 1] ?? '');
      i++;
    } else if ('&|;()'.includes(char)) {
      push();
      const two = command.slice(i, i + 2);
      const operator = two === '&&' || two === '||' ? two : char;
      words.push({ text: operator, expands: false });
      i += operator.length - 1;
    } else {
      append(char, char === '$' || char === '`');
    }
  }
  push();
  return words;
}
