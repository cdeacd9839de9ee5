// Which field names a failing record: a pipeline entry's own `identifierFields` (its club's entry, else the
// every-club one) is tried first; then the config file's top-level `identifierFields`, which replaces the
// `--identifier-fields` flag's list (default: the built-in one). A reload applies from the next line on.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../app/config.js';
import { loadConfigFile } from '../app/config-file-load.js';
import { identifierFieldsFor, identifierFieldsOf } from '../app/identifier-fields.js';
import { startRunboard } from '../app/main.js';
import { parseConfigFile } from '../health/config-file.js';
import type { ErrorView, Page } from '../shared/api.js';
import { DEFAULT_IDENTIFIER_FIELDS } from '../shared/events.js';
import { line, releaseIngestFixtures, runByKey, runFile, startDaemon, tempWorld } from './fixtures/ingest-harness.js';
import { waitFor } from './support/run-writer.js';

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

function parsed(text: string) {
  const result = parseConfigFile(text, { file: 'runboard.yaml', env: {} });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

describe('identifierFieldsOf / identifierFieldsFor (pure)', () => {
  it("takes the club's entry, else the every-club entry, else none", () => {
    const config = parsed(CONFIG);
    expect(identifierFieldsOf(config, 'north', 'members')).toEqual(['lidnummer']);
    expect(identifierFieldsOf(config, 'south', 'members')).toEqual(['email']);
    expect(identifierFieldsOf(config, 'south', 'teams')).toBeNull();
    expect(identifierFieldsOf(null, 'south', 'members')).toBeNull();
  });

  it('precedence: pipeline entry, then the top-level list in place of the flag, then the flag (default built in)', () => {
    const flag = ['flag_id'];
    const withGlobal = parsed(`identifierFields: [knvb_id, memberId]\n${CONFIG}`);
    expect(identifierFieldsFor(withGlobal, 'north', 'members', flag)).toEqual(['lidnummer', 'knvb_id', 'memberId']);
    expect(identifierFieldsFor(withGlobal, 'south', 'members', flag)).toEqual(['email', 'knvb_id', 'memberId']);
    expect(identifierFieldsFor(withGlobal, 'south', 'teams', flag)).toEqual(['knvb_id', 'memberId']);
    const withoutGlobal = parsed(CONFIG);
    expect(identifierFieldsFor(withoutGlobal, 'south', 'members', flag)).toEqual(['email', 'flag_id']);
    expect(identifierFieldsFor(withoutGlobal, 'south', 'teams', flag)).toEqual(['flag_id']);
    expect(identifierFieldsFor(null, 'south', 'teams', DEFAULT_IDENTIFIER_FIELDS)).toEqual([
      ...DEFAULT_IDENTIFIER_FIELDS,
    ]);
    // A field in both lists is tried once, at its first place.
    const overlap = parsed(
      'identifierFields: [email, id]\npipelines:\n  - pipeline: members\n    identifierFields: [id]',
    );
    expect(identifierFieldsFor(overlap, 'x', 'members', flag)).toEqual(['id', 'email']);
  });

  it('the top-level list must be a list of non-empty strings', () => {
    const problems = (text: string) => {
      const result = parseConfigFile(text, { file: 'runboard.yaml', env: {} });
      return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
    };
    expect(problems('identifierFields: knvb_id')).toEqual([
      'identifierFields: must be a list of strings, e.g. [knvb_id]',
    ]);
    expect(problems('identifierFields: [knvb_id, ""]')).toEqual(['identifierFields[1]: must be a non-empty string']);
    expect(problems('identifierFields: [knvb_id, 3]')).toEqual(['identifierFields[1]: must be a non-empty string']);
    expect(problems('identifierFields: []')).toEqual([
      'identifierFields: must list at least one field, e.g. [identifier, knvb_id, memberId]',
    ]);
    expect(parsed('identifierFields: [" knvb_id "]').identifierFields).toEqual(['knvb_id']);
    expect(parsed(CONFIG).identifierFields).toBeNull();
  });
});

describe('the daemon', () => {
  it("names each pipeline's records by its own fields first, then the global list", async () => {
    const world = tempWorld();
    const error = (fields: Record<string, unknown>) => line({ level: 50, msg: 'push failed', ...fields });
    writeFileSync(runFile(world, 'south', 'members', 'm1'), error({ email: 'a@b.c', knvb_id: 'K1' }));
    writeFileSync(runFile(world, 'south', 'members', 'm2'), error({ knvb_id: 'K2' }));
    writeFileSync(runFile(world, 'south', 'teams', 't1'), error({ email: 'x@y.z', knvb_id: 'K3' }));
    const config = parsed(CONFIG);
    await startDaemon(world, {
      identifierFieldsOf: (club, pipeline) => identifierFieldsFor(config, club, pipeline, DEFAULT_IDENTIFIER_FIELDS),
    });
    const identifierOf = (runKey: string) =>
      world.db.$client
        .prepare<[number], { identifier: string | null }>('SELECT identifier FROM run_errors WHERE run_id = ?')
        .get(runByKey(world.db, runKey)!.id)?.identifier;
    expect(identifierOf('m1')).toBe('a@b.c');
    expect(identifierOf('m2')).toBe('K2');
    expect(identifierOf('t1')).toBe('K3');
  });

  it("applies the config file's top-level list in place of the flag's, and a reload (SIGHUP) changes it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runboard-idfields-'));
    const runsDir = join(dir, 'runs');
    const file = join(dir, 'runboard.yaml');
    const writeConfig = (top: string) =>
      writeFileSync(file, `${top}\npipelines:\n  - pipeline: members\n    identifierFields: [email]\n`);
    writeConfig('identifierFields: [lidnummer]');
    const resolved = resolveConfig(
      ['--port', '0', '--runs-dir', runsDir, '--db', join(dir, 'db.sqlite'), '--config', file],
      {},
      dir,
    );
    if (!resolved.ok) throw new Error(resolved.problems.join('; '));
    const loaded = loadConfigFile(file, {});
    if (!loaded.ok) throw new Error(loaded.problems.join('; '));
    const running = await startRunboard(resolved.config, {
      logger: pino({ level: 'silent' }),
      env: {},
      fileConfig: loaded.config,
    });
    try {
      const identifiers = async (pipeline: string) => {
        const response = await fetch(`${running.url}/api/errors?club=south&pipeline=${pipeline}`);
        const page = (await response.json()) as Page<ErrorView>;
        return Object.fromEntries(page.items.map((e) => [e.message, e.identifier]));
      };
      // Stamped now: an old time would age the run out by retention or silence.
      const now = (fields: Record<string, unknown>) =>
        JSON.stringify({ level: 50, time: Date.now(), ...fields }) + '\n';
      // Both fields on every line: the flag's default list would pick knvb_id, the file's list picks lidnummer.
      const error = (msg: string) => now({ msg, lidnummer: `L-${msg}`, knvb_id: `K-${msg}` });
      const teams = join(runsDir, 'south', 'teams', 't1.ndjson');
      const members = join(runsDir, 'south', 'members', 'm1.ndjson');
      mkdirSync(join(runsDir, 'south', 'teams'), { recursive: true });
      mkdirSync(join(runsDir, 'south', 'members'), { recursive: true });
      appendFileSync(teams, error('before'));
      appendFileSync(members, now({ msg: 'member', email: 'a@b.c', lidnummer: 'L9' }));
      expect(await waitFor('the first errors', async () => (await identifiers('teams')).before)).toBe('L-before');
      expect(await waitFor('the member error', async () => (await identifiers('members')).member)).toBe('a@b.c');

      writeConfig('# no global list: the flag (default) applies again');
      expect(running.reloadConfig()).toMatchObject({ ok: true });
      appendFileSync(teams, error('after'));
      expect(await waitFor('the later error', async () => (await identifiers('teams')).after)).toBe('K-after');
      // What was stored before the reload stays as it was.
      expect((await identifiers('teams')).before).toBe('L-before');
    } finally {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
