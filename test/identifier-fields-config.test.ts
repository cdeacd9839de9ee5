// A pipeline's own identifier fields (the config file's `identifierFields`) name its failing records, tried before
// the global list; other pipelines keep the global list.
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { identifierFieldsOf } from '../app/identifier-fields.js';
import { parseConfigFile } from '../health/config-file.js';
import { line, releaseIngestFixtures, runByKey, runFile, startDaemon, tempWorld } from './fixtures/ingest-harness.js';

afterEach(releaseIngestFixtures);

const CONFIG = `
pipelines:
  - pipeline: members
    identifierFields: [email]
  - pipeline: members
    club: north
    identifierFields: [lidnummer]
  - pipeline: teams
`;

describe('identifierFieldsOf (pure)', () => {
  it("takes the club's entry, else the every-club entry, else none", () => {
    const parsed = parseConfigFile(CONFIG, { file: 'runboard.yaml', env: {} });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(identifierFieldsOf(parsed.config, 'north', 'members')).toEqual(['lidnummer']);
    expect(identifierFieldsOf(parsed.config, 'south', 'members')).toEqual(['email']);
    expect(identifierFieldsOf(parsed.config, 'south', 'teams')).toBeNull();
    expect(identifierFieldsOf(null, 'south', 'members')).toBeNull();
  });
});

describe('the daemon', () => {
  it("names each pipeline's records by its own fields first, then the global list", async () => {
    const world = tempWorld();
    const error = (fields: Record<string, unknown>) => line({ level: 50, msg: 'push failed', ...fields });
    writeFileSync(runFile(world, 'south', 'members', 'm1'), error({ email: 'a@b.c', knvb_id: 'K1' }));
    writeFileSync(runFile(world, 'south', 'members', 'm2'), error({ knvb_id: 'K2' }));
    writeFileSync(runFile(world, 'south', 'teams', 't1'), error({ email: 'x@y.z', knvb_id: 'K3' }));
    await startDaemon(world, {
      identifierFieldsOf: (_club, pipeline) => (pipeline === 'members' ? ['email'] : null),
    });
    const identifierOf = (runKey: string) =>
      world.db.$client
        .prepare<[number], { identifier: string | null }>('SELECT identifier FROM run_errors WHERE run_id = ?')
        .get(runByKey(world.db, runKey)!.id)?.identifier;
    expect(identifierOf('m1')).toBe('a@b.c');
    expect(identifierOf('m2')).toBe('K2');
    expect(identifierOf('t1')).toBe('K3');
  });
});
