// Test pipelines: real runs written by the real run logger (pino, one NDJSON file per run) into a runs dir.
import { startRun, type RunHandle } from '../../shared/run-logger.js';

export function beginRun(runsDir: string, club: string, pipeline: string, trigger = 'manual'): RunHandle {
  // No process hooks: the test process is not the pipeline's process.
  return startRun({ runsDir, club, pipeline, trigger, handleProcessEnd: false, progressIntervalMs: 0 });
}

/** A finished run of a few steps, with the given record errors. */
export async function finishedRun(
  runsDir: string,
  club: string,
  pipeline: string,
  options: {
    errors?: Array<{ identifier: string; system: string; message: string }>;
    outcome?: 'success' | 'failure';
  } = {},
): Promise<string> {
  const run = beginRun(runsDir, club, pipeline, 'cron');
  await run.step('fetch', (step) => {
    step.progress(10, 10);
    step.count({ created: 3, updated: 5 });
    step.log.info('fetched 10 members');
  });
  await run.step('sync', (step) => {
    for (const e of options.errors ?? [])
      step.error({ identifier: e.identifier, system: e.system, err: new Error(e.message) });
    step.count({ updated: 2, failed: options.errors?.length ?? 0 });
  });
  await run.end({ outcome: options.outcome ?? 'success' });
  return run.runId;
}

/** Polls until `check` returns a value (not undefined/false), or throws after the deadline. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
