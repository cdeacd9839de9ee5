// Start-up failures as one clear line each, instead of an SQLite, chokidar or socket error deep inside start-up:
// the paths checked before anything opens them, and the wording of an error's reason and of a failed listen.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { StartupError } from './errors.js';
import { makeDirectory } from '../shared/make-directory.js';
import type { RunboardConfig } from './config.js';

function errnoCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

export function reasonOf(error: unknown): string {
  const code = errnoCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0] ?? message;
  return code && !firstLine.includes(code) ? `${firstLine} (${code})` : firstLine;
}

function ensureDirectory(dir: string, what: string, access: number, accessWord: string): void {
  let stats;
  try {
    stats = statSync(dir, { throwIfNoEntry: false });
  } catch (error) {
    // ENOTDIR (a parent is a file), EACCES (a parent is not searchable), ...
    throw new StartupError(`cannot create the ${what} ${dir}: ${reasonOf(error)}`, 2);
  }
  if (stats === undefined) {
    try {
      makeDirectory(dir);
    } catch (error) {
      throw new StartupError(`cannot create the ${what} ${dir}: ${reasonOf(error)}`, 2);
    }
    stats = statSync(dir);
  }
  if (!stats.isDirectory()) throw new StartupError(`the ${what} ${dir} exists but is not a directory`, 2);
  try {
    accessSync(dir, access);
  } catch {
    throw new StartupError(`the ${what} ${dir} is not ${accessWord} by this user`, 2);
  }
}

/** Checks that give a clear line instead of an SQLite or chokidar error deep inside start-up. */
export function checkPaths(config: RunboardConfig): void {
  ensureDirectory(config.runsDir, 'runs directory', constants.R_OK | constants.X_OK, 'readable');
  ensureDirectory(dirname(config.dbFile), 'database directory', constants.W_OK | constants.X_OK, 'writable');
  if (existsSync(config.dbFile)) {
    try {
      accessSync(config.dbFile, constants.R_OK | constants.W_OK);
    } catch {
      throw new StartupError(`the database ${config.dbFile} is not writable by this user`, 2);
    }
  }
}

export function listenProblem(error: unknown, config: RunboardConfig): string {
  const where = `${config.host}:${config.port}`;
  switch (errnoCode(error)) {
    case 'EADDRINUSE':
      return `cannot listen on ${where}: the port is already in use`;
    case 'EACCES':
      return `cannot listen on ${where}: permission denied (ports below 1024 need privileges)`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return `cannot listen on ${where}: no such local address`;
    default:
      return `cannot listen on ${where}: ${reasonOf(error)}`;
  }
}
