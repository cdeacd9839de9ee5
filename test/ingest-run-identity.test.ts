// Which run a file feeds: the first accepted line's club/pipeline/run fields, else the path; two live files
// claiming the same run do not mix their lines.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseLine } from '../shared/parse-line.js';
import { fallbackIdentities, runIdentityOf } from '../ingest/run-identity.js';
import {
  allRuns,
  append,
  line,
  messagesOf,
  runFile,
  startDaemon,
  tempWorld,
  waitFor,
  type TempWorld,
  releaseIngestFixtures,
} from './fixtures/ingest-harness.js';

function parsed(fields: Record<string, unknown>) {
  const result = parseLine(JSON.stringify(fields));
  if (!result.ok) throw new Error(result.rejection.detail);
  return result.line;
}

describe('runIdentityOf (pure)', () => {
  it('takes the fields of the line where present, the path for the rest', () => {
    expect(runIdentityOf(parsed({ club: 'c', pipeline: 'p', run: 'r' }), 'x/y/z.ndjson')).toEqual({
      club: 'c',
      pipeline: 'p',
      runKey: 'r',
    });
    expect(runIdentityOf(parsed({ run: 'r' }), 'x/y/z.ndjson')).toEqual({ club: 'x', pipeline: 'y', runKey: 'r' });
    expect(runIdentityOf(parsed({}), 'x/y/z.ndjson')).toEqual({ club: 'x', pipeline: 'y', runKey: 'z' });
    expect(runIdentityOf(null, 'y/z.ndjson')).toEqual({ club: 'default', pipeline: 'y', runKey: 'z' });
    expect(runIdentityOf(parsed({ run: 42 }), 'a/b/c.ndjson').runKey).toBe('42');
  });

  it('fallbacks: the file name, then the whole relative path', () => {
    expect(fallbackIdentities({ club: 'c', pipeline: 'p', runKey: 'daily' }, 'c/p/2026-11-23.ndjson')).toEqual([
      { club: 'c', pipeline: 'p', runKey: '2026-11-23' },
      { club: 'c', pipeline: 'p', runKey: 'c/p/2026-11-23' },
    ]);
    // No candidate equal to the natural key.
    expect(fallbackIdentities({ club: 'c', pipeline: 'p', runKey: 'r' }, 'c/p/r.ndjson')).toEqual([
      { club: 'c', pipeline: 'p', runKey: 'c/p/r' },
    ]);
  });
});

describe('daemon', () => {
  let world: TempWorld;
  afterEach(releaseIngestFixtures);

  it("a plain pino file with no run fields gets its run from the path; default club for two levels; the path's club wins", async () => {
    world = tempWorld();
    const dir = join(world.runsDir, 'solo');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'r9.ndjson'), line({ msg: 'hi' }));
    // The line's run key names the run; its club does not move it out of the path's club (issue 11, item 14).
    writeFileSync(runFile(world, 'clubA', 'people', 'r1'), line({ msg: 'x', club: 'override', run: 'named' }));
    await startDaemon(world);
    const runs = allRuns(world.db)
      .map((r) => [r.clubSlug, r.pipeline, r.runKey, r.sourceFile])
      .sort((x, y) => String(x[3]).localeCompare(String(y[3])));
    expect(runs).toEqual([
      ['clubA', 'people', 'named', 'clubA/people/r1.ndjson'],
      ['default', 'solo', 'r9', 'solo/r9.ndjson'],
    ]);
  });

  it('two live files claiming the same run field get two runs, each with exactly its own lines', async () => {
    world = tempWorld();
    await startDaemon(world);
    const a = runFile(world, 'c', 'p', 'monday');
    const b = runFile(world, 'c', 'p', 'tuesday');
    append(a, line({ run: 'daily', msg: 'a1' }) + line({ msg: 'a2' }));
    await waitFor('a', () => allRuns(world.db).length === 1);
    append(b, line({ run: 'daily', msg: 'b1' }));
    await waitFor('b', () => allRuns(world.db).length === 2);
    append(a, line({ msg: 'a3' }));
    append(b, line({ msg: 'b2' }));
    await waitFor('appends', () => allRuns(world.db).reduce((n, r) => n + r.logCount, 0) === 5);
    const runs = allRuns(world.db);
    expect(runs.map((r) => r.runKey)).toEqual(['daily', 'tuesday']);
    expect(messagesOf(world.db, runs[0]!.id)).toEqual(['a1', 'a2', 'a3']);
    expect(messagesOf(world.db, runs[1]!.id)).toEqual(['b1', 'b2']);
  });
});
