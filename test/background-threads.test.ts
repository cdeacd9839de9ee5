// Searches and indexing run below the daemon's thread (issue 11 items 5 and 6): on a busy two-core machine, 20
// concurrent searches or a trigram catch-up must use spare CPU, not the time ingest, the live path and /api/health
// need. Shown by what the kernel holds for each thread of this process, not by timing.
import { readdirSync, readFileSync } from 'node:fs';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startLogSearchThread, type LogSearchThread } from '../ingest/log-search-thread.js';
import { QueryPool } from '../server/query-pool/pool.js';
import { BACKGROUND_NICE } from '../shared/worker-thread.js';
import { tempData, type TempData } from './helpers/seed-run-files.js';

/** Niceness of every thread of this process, by thread id. */
function threadNiceness(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after the command's closing parenthesis: state is field 3, nice field 19.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), Number(fields[16]));
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}

const backgroundThreads = () => [...threadNiceness().values()].filter((nice) => nice === BACKGROUND_NICE).length;

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let data: TempData | null = null;
let pool: QueryPool | null = null;
let indexer: LogSearchThread | null = null;
afterEach(async () => {
  await pool?.close();
  await indexer?.stop();
  data?.cleanup();
  [pool, indexer, data] = [null, null, null];
});

describe.runIf(process.platform === 'linux')('background threads', () => {
  it('query workers and the search indexer run niced; the daemon thread does not', async () => {
    const d = (data = tempData());
    const before = backgroundThreads();
    const mainNice = threadNiceness().get(process.pid);
    pool = new QueryPool({ dbFile: d.db.$client.name, size: 2 });
    await until('two niced query workers', () => backgroundThreads() === before + 2);
    indexer = startLogSearchThread({ dbFile: d.db.$client.name, logger: pino({ level: 'silent' }) });
    expect(await indexer.caughtUp()).toBe(true);
    expect(backgroundThreads()).toBe(before + 3);
    // The thread that started them (the daemon's, in runboard) keeps its priority.
    expect(threadNiceness().get(process.pid)).toBe(mainNice);
    expect(mainNice).not.toBe(BACKGROUND_NICE);
  });
});
