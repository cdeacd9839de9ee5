// Getting run files into the database. INTERIM: until ingest/daemon.ts exists, this parses the files with the
// shared parser, folds them with the ingest helper's pure fold, and inserts the rows with drizzle — the same
// rows the daemon writes, but not the daemon. Replace with createIngestDaemon once it lands.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { emptyRun, foldLines, type FoldLine } from '../../ingest/fold.js';
import { runIdentityOf } from '../../ingest/run-identity.js';
import type { Db } from '../../shared/db.js';
import { parseLine } from '../../shared/parse-line.js';
import { relativeRunPath } from '../../shared/run-path.js';
import { ingestRejects, runErrors, runLogs, runSteps, runs } from '../../shared/schema.js';

function runFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((p) => p.endsWith('.ndjson'))
    .map((p) => join(dir, p))
    .sort();
}

export function seedRowsFromRunFiles(db: Db, runsDir: string): void {
  const known = db.$client.prepare('SELECT 1 FROM runs WHERE source_file = ?');
  for (const file of runFiles(runsDir)) {
    const rel = relativeRunPath(runsDir, file);
    if (known.get(rel) !== undefined) continue;
    const bytes = readFileSync(file);
    const fallbackTime = statSync(file).mtimeMs;
    const lines: FoldLine[] = [];
    let start = 0;
    db.transaction((tx) => {
      for (let end = bytes.indexOf(10, start); end !== -1; end = bytes.indexOf(10, start)) {
        const result = parseLine(bytes.subarray(start, end));
        if (result.ok)
          lines.push({ offset: start, time: result.line.time ?? Math.round(fallbackTime), line: result.line });
        else
          tx.insert(ingestRejects)
            .values({
              file: rel,
              offset: start,
              reason: result.rejection.reason,
              detail: result.rejection.detail,
              lineBytes: end - start,
            })
            .run();
        start = end + 1;
      }
      const identity = runIdentityOf(lines[0]?.line ?? null, rel);
      const inserted = tx
        .insert(runs)
        .values({ runKey: identity.runKey, clubSlug: identity.club, pipeline: identity.pipeline, sourceFile: rel })
        .returning({ id: runs.id })
        .get();
      const folded = foldLines({ run: emptyRun(inserted.id, identity, rel), steps: new Map() }, lines);
      tx.update(runs).set(folded.state.run).where(eq(runs.id, inserted.id)).run();
      for (const step of folded.state.steps.values()) tx.insert(runSteps).values(step).run();
      for (const log of folded.logs) tx.insert(runLogs).values(log).run();
      for (const error of folded.errors) tx.insert(runErrors).values(error).run();
    });
  }
}
