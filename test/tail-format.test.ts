// How `runboard tail` prints lines, step headers and the closing summary (pure formatting; times in UTC).
import { describe, expect, it } from 'vitest';
import type { LogLineView, RunView, StepView } from '../shared/api.js';
import { formatCounts, formatDuration, formatLine, stepHeaderText, summaryText } from '../app/tail/format.js';

const T = Date.UTC(2026, 10, 30, 14, 3, 22, 120);
const RUN = { id: 12, club: 'rondo', pipeline: 'people' };
const plain = { color: false, utc: true };

function line(overrides: Partial<LogLineView>): LogLineView {
  return {
    id: 1,
    runId: 12,
    offset: 0,
    time: T,
    level: 30,
    event: null,
    step: null,
    msg: 'hello',
    data: null,
    ...overrides,
  };
}

function step(overrides: Partial<StepView>): StepView {
  return {
    name: 'download',
    seq: 0,
    status: 'success',
    startedAt: T,
    finishedAt: T + 4200,
    durationMs: 4200,
    counts: { created: 2, updated: 43, skipped: 0, failed: 1 },
    progress: null,
    stats: null,
    ...overrides,
  };
}

function run(overrides: Partial<RunView>): RunView {
  return {
    ...RUN,
    runKey: 'k',
    trigger: 'cron',
    status: 'success',
    startedAt: T,
    finishedAt: T + 65_000,
    durationMs: 65_000,
    counts: { created: 2, updated: 43, skipped: 0, failed: 0 },
    errorCount: 0,
    logCount: 10,
    host: null,
    pid: null,
    exitCode: 0,
    endReason: null,
    summary: null,
    lastEventAt: T,
    ...overrides,
  };
}

describe('formatLine', () => {
  it('prints time, level, run and message, then the data compactly, as pino-pretty lays it out', () => {
    expect(formatLine(line({ data: { member: 'KNVB1', n: 3 } }), { run: RUN }, plain)).toBe(
      '[14:03:22.120] INFO  [rondo/people #12] hello {"member":"KNVB1","n":3}',
    );
    expect(formatLine(line({ level: 40, step: 'submit', msg: 'slow' }), { run: RUN }, plain)).toBe(
      '[14:03:22.120] WARN  [rondo/people #12] (submit) slow',
    );
    expect(formatLine(line({ level: 60, msg: null }), { run: null }, plain)).toBe('[14:03:22.120] FATAL [#12]');
    expect(formatLine(line({ level: 20 }), { run: RUN }, plain)).toContain(' DEBUG ');
  });

  it('prints an error line with its stack below it, indented', () => {
    const text = formatLine(
      line({
        level: 50,
        msg: 'failed to push',
        data: { err: { message: 'boom', stack: 'Error: boom\n    at push (a.js:1)' } },
      }),
      { run: RUN },
      plain,
    );
    expect(text.split('\n')).toEqual([
      '[14:03:22.120] ERROR [rondo/people #12] failed to push {"err":{"message":"boom","stack":"Error: boom\\n    at push (a.js:1)"}}',
      '    Error: boom',
      '        at push (a.js:1)',
    ]);
  });

  it('colours by level and highlights errors only when asked to', () => {
    const coloured = formatLine(line({ level: 50, msg: 'bad' }), { run: RUN }, { color: true, utc: true });
    expect(coloured).toContain('\u001b[31mERROR');
    expect(coloured).toContain('\u001b[1;31mbad\u001b[0m');
    expect(formatLine(line({ level: 30 }), { run: RUN }, { color: true, utc: true })).toContain('\u001b[32mINFO');
    expect(formatLine(line({ level: 50 }), { run: RUN }, plain)).not.toContain('\u001b');
  });

  it('prints step starts and ends as headers, the end with the step outcome, duration and counts', () => {
    expect(
      formatLine(line({ event: 'step.start', step: 'download', msg: 'step download started' }), { run: RUN }, plain),
    ).toBe('[14:03:22.120] [rondo/people #12] ── step download started ──');
    const end = line({ event: 'step.end', step: 'download', msg: 'step download success' });
    expect(formatLine(end, { run: RUN, step: step({}) }, plain)).toBe(
      '[14:03:22.120] [rondo/people #12] ── step download success in 4.2 s (+2 created ~43 updated ×1 failed) ──',
    );
    // Without the step's final state the line's own message is the header.
    expect(formatLine(end, { run: RUN, step: null }, plain)).toBe(
      '[14:03:22.120] [rondo/people #12] ── step download success ──',
    );
    expect(formatLine(line({ event: 'run.end', level: 50, msg: 'run failure' }), { run: RUN }, plain)).toBe(
      '[14:03:22.120] [rondo/people #12] ── run failure ──',
    );
    // A failed step's header is highlighted.
    expect(formatLine(end, { run: RUN, step: step({ status: 'failure' }) }, { color: true, utc: true })).toContain(
      '\u001b[1;31m──',
    );
  });

  it('leaves progress lines as lines', () => {
    expect(stepHeaderText(line({ event: 'step.progress', step: 'download', msg: '1/2' }), null)).toBeNull();
  });
});

describe('durations, counts and the summary', () => {
  it('writes durations as the web UI does', () => {
    expect([0, 850, 4200, 45_000, 185_000, 7_440_000, -1, null].map((ms) => formatDuration(ms))).toEqual([
      '0 ms',
      '850 ms',
      '4.2 s',
      '45 s',
      '3 m 05 s',
      '2 h 04 m',
      null,
      null,
    ]);
  });

  it('lists only the counts that are not zero', () => {
    expect(formatCounts({ created: 0, updated: 0, skipped: 0, failed: 0 })).toBeNull();
    expect(formatCounts({ created: 1, updated: 0, skipped: 3, failed: 2 })).toBe('+1 created -3 skipped ×2 failed');
  });

  it('sums a run up in one line', () => {
    expect(summaryText(run({}))).toBe('run rondo/people #12 success in 1 m 05 s (+2 created ~43 updated), 0 errors');
    expect(
      summaryText(run({ status: 'failure', errorCount: 1, endReason: 'exited with code 3', durationMs: null })),
    ).toBe('run rondo/people #12 failure (+2 created ~43 updated), 1 error: exited with code 3');
  });
});
