// A pipeline that already has a pino setup adopts runboard with a small change: its options passed through,
// or its own logger given the run's destination, or extra destinations kept alongside the run file.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startRun } from '../shared/run-logger.js';
import { eventsOf, readRunFile } from './fixtures/logger-run-file.js';

const runsDir = mkdtempSync(join(tmpdir(), 'runboard-adopt-'));
afterAll(() => rmSync(runsDir, { recursive: true, force: true }));
const noExec = {};

describe('adopting the run logger', () => {
  it("passes the pipeline's pino options through: ISO times, level labels, messageKey, redaction", async () => {
    const run = startRun({
      pipeline: 'people',
      club: 'rondo',
      runsDir,
      env: noExec,
      pinoOptions: {
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        messageKey: 'message',
        redact: ['apiKey'],
      },
    });
    run.log.info({ apiKey: 'secret' }, 'calling the API');
    await run.step('download', (step) => step.count({ created: 1 }));
    run.error({ identifier: 'KNVB1', err: new Error('nope') });
    await run.end();

    const raw = readFileSync(run.file!, 'utf8');
    expect(raw).toContain('"level":"info"');
    expect(raw).toContain('"message":"calling the API"');
    expect(raw).not.toContain('secret');
    const lines = readRunFile(run.file!);
    // step.progress: the step's count, sent at once (live counts).
    expect(eventsOf(lines)).toEqual(['run.start', null, 'step.start', 'step.progress', 'step.end', 'error', 'run.end']);
    expect(lines[1]).toMatchObject({ msg: 'calling the API', level: 30, data: { apiKey: '[Redacted]' } });
    expect(lines[5]).toMatchObject({ level: 50, payload: { identifier: 'KNVB1', message: 'nope' } });
    for (const line of lines) expect(line.time).toBeGreaterThan(Date.now() - 60_000);
  });

  it('lets a pipeline keep its own logger instance by adding run.destination and binding run.bindings', async () => {
    const run = startRun({ pipeline: 'teams', club: 'rondo', runsDir, env: noExec });
    const ownFile = join(runsDir, 'own-app.log');
    const ownDestination = pino.destination({ dest: ownFile, sync: true });
    const logger = pino(
      { level: 'debug' },
      pino.multistream([
        { level: 'debug', stream: ownDestination },
        { level: 'debug', stream: run.destination },
      ]),
    ).child(run.bindings);
    logger.debug('from the pipeline logger');
    await run.step('submit', () => logger.info({ step: 'submit' }, 'inside the step'));
    await run.end();
    ownDestination.end();

    const lines = readRunFile(run.file!);
    expect(eventsOf(lines)).toEqual(['run.start', null, 'step.start', null, 'step.end', 'run.end']);
    expect(lines[1]).toMatchObject({ msg: 'from the pipeline logger', level: 20, run: run.runId, club: 'rondo' });
    expect(lines[3]).toMatchObject({ msg: 'inside the step', step: 'submit' });
    expect(readFileSync(ownFile, 'utf8')).toContain('from the pipeline logger');
  });

  it('writes every line to extra streams too (an existing log file kept alongside)', async () => {
    const extraFile = join(runsDir, 'extra.log');
    const extra = pino.destination({ dest: extraFile, sync: true });
    const run = startRun({ pipeline: 'invoices', runsDir, env: noExec, streams: [{ stream: extra }] });
    run.log.info('both places');
    await run.end();
    extra.end();
    const extraLines = readFileSync(extraFile, 'utf8').trim().split('\n');
    expect(extraLines).toEqual(readFileSync(run.file!, 'utf8').trim().split('\n'));
    expect(extraLines).toHaveLength(3);
  });
});
