// The config document's paths and keys, for every reader of a section (pipelines here, alerts in alerts/config.ts
// through its own report): the JSON a value is after expansion, the path a problem names, and the unknown-key check.

/** JSON as the document holds it after `${VAR}` expansion. */
export type ConfigJson = null | boolean | number | string | ConfigJson[] | { [key: string]: ConfigJson };

export type Segment = string | number;
export type Report = (segments: readonly Segment[], message: string, pointAtKey?: boolean) => void;

/** `pipelines[2].schedule`; keys that aren't plain words are quoted: `alerts["smtp host"]`. */
export function pathText(segments: readonly Segment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

export function checkKeys(map: { [key: string]: ConfigJson }, base: Segment[], known: string[], report: Report): void {
  for (const key of Object.keys(map)) {
    if (known.includes(key)) continue;
    const near = known.find((candidate) => editDistance(candidate.toLowerCase(), key.toLowerCase()) <= 2);
    report(
      [...base, key],
      `unknown key${near ? `; did you mean ${near}?` : ` (known here: ${known.join(', ')})`}`,
      true,
    );
  }
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(
        (row[j] ?? 0) + 1,
        (next[j - 1] ?? 0) + 1,
        (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    row = next;
  }
  return row[b.length] ?? 0;
}
