// Browser sessions in SQLite (shared/schema.ts `sessions`): a random id per login, so each can be ended on its
// own (logout) and all end with the token (token tag) or with time (expiry). The clock is passed in.
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../shared/db.js';

export interface SessionStore {
  /** A new session; returns the cookie value (never stored as such). */
  create(now: number): string;
  isValid(cookie: string, now: number): boolean;
  /** Logout: that session is gone for good. Unknown values are ignored. */
  revoke(cookie: string): void;
  /**
   * How a session is named where it acted (an acknowledgement's "by"): the start of its row's id hash. A login
   * proves the token, not a person, so this is all a session can say; it reveals nothing that logs anyone in.
   */
  labelOf(cookie: string): string;
}

/** 256 random bits: unguessable, so a session cookie needs no throttling of its own. */
const ID_BYTES = 32;

function hashOf(cookie: string): string {
  return createHash('sha256').update(cookie, 'utf8').digest('hex');
}

export function createSessionStore(db: Db, tokenTag: string, ttlMs: number): SessionStore {
  const client = db.$client;
  // Prepared on first use: a server without a token never logs in, and must start on a read-only or locked file.
  let statements: ReturnType<typeof prepare> | null = null;
  const prepare = () => ({
    insert: client.prepare('INSERT INTO sessions (id_hash, token_tag, created_at, expires_at) VALUES (?, ?, ?, ?)'),
    find: client.prepare<[string, string, number], { found: number }>(
      'SELECT 1 AS found FROM sessions WHERE id_hash = ? AND token_tag = ? AND expires_at > ?',
    ),
    remove: client.prepare('DELETE FROM sessions WHERE id_hash = ?'),
    // Rows of other tokens can never be valid again either.
    sweep: client.prepare('DELETE FROM sessions WHERE expires_at <= ? OR token_tag <> ?'),
  });
  const s = () => (statements ??= prepare());

  return {
    create(now) {
      // Logins are rare: sweeping here keeps the table to live sessions without a timer.
      s().sweep.run(now, tokenTag);
      const cookie = randomBytes(ID_BYTES).toString('base64url');
      s().insert.run(hashOf(cookie), tokenTag, now, now + ttlMs);
      return cookie;
    },
    isValid(cookie, now) {
      return s().find.get(hashOf(cookie), tokenTag, now) !== undefined;
    },
    revoke(cookie) {
      s().remove.run(hashOf(cookie));
    },
    labelOf(cookie) {
      return `session ${hashOf(cookie).slice(0, 8)}`;
    },
  };
}
