// Run ids: unique and sortable by time, safe in a file name and a URL.
import { randomBytes } from 'node:crypto';

/** e.g. `20261123T152738123Z-5f3a9c1e` — UTC start time to the millisecond, then 32 random bits. */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${stamp}-${randomBytes(4).toString('hex')}`;
}
