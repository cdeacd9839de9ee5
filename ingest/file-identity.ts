// Is the file at a path still the one we were reading? Device + inode + a fingerprint of its first line,
// not the path alone: a replaced file, a reused inode or a truncated-and-regrown file must start over.
import { createHash } from 'node:crypto';
import { readSync } from 'node:fs';

/** The fingerprint covers the first line, capped at this many bytes. */
export const FINGERPRINT_MAX_BYTES = 1024;

export interface Fingerprint {
  /** sha1 (hex) of the first `bytes` bytes. */
  hash: string;
  bytes: number;
}

/** What the database remembers of a file. */
export interface KnownFile {
  device: number;
  inode: number;
  fingerprint: string | null;
  fingerprintBytes: number | null;
  committedOffset: number;
}

/** What is at the path now. `fingerprintMatches` is null when there was nothing to compare. */
export interface ObservedFile {
  device: number;
  inode: number;
  size: number;
  fingerprintMatches: boolean | null;
}

export type IdentityVerdict =
  | { kind: 'same' }
  /** Same file, its device number changed (e.g. renumbered after a reboot): carry on, remember the new one. */
  | { kind: 'same-moved-device' }
  | { kind: 'truncated' }
  | { kind: 'replaced'; detail: string };

/** Pure decision: continue from the committed offset, or start over (and why). */
export function compareIdentity(known: KnownFile, observed: ObservedFile): IdentityVerdict {
  if (observed.inode !== known.inode) {
    return { kind: 'replaced', detail: `inode ${known.inode} became ${observed.inode}` };
  }
  if (observed.size < known.committedOffset) return { kind: 'truncated' };
  if (observed.fingerprintMatches === false) {
    return { kind: 'replaced', detail: `inode ${observed.inode} reused: the first line differs` };
  }
  if (observed.device !== known.device) {
    // An inode number alone is only unique per device: trust it only when the first line agrees too.
    return observed.fingerprintMatches === true
      ? { kind: 'same-moved-device' }
      : { kind: 'replaced', detail: `device ${known.device} became ${observed.device}` };
  }
  return { kind: 'same' };
}

/** The fingerprint of an open file's first line, or null while that line is still incomplete. */
export function readFingerprint(fd: number): Fingerprint | null {
  const head = Buffer.allocUnsafe(FINGERPRINT_MAX_BYTES);
  const n = readSync(fd, head, 0, FINGERPRINT_MAX_BYTES, 0);
  const nl = head.subarray(0, n).indexOf(10);
  let bytes: number;
  if (nl !== -1) bytes = nl + 1;
  else if (n === FINGERPRINT_MAX_BYTES) bytes = n;
  else return null;
  return { hash: hashOf(head.subarray(0, bytes)), bytes };
}

/** Whether the file's first `bytes` bytes still hash to `hash`. */
export function fingerprintMatches(fd: number, hash: string, bytes: number): boolean {
  const head = Buffer.allocUnsafe(bytes);
  const n = readSync(fd, head, 0, bytes, 0);
  return n === bytes && hashOf(head) === hash;
}

function hashOf(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}
