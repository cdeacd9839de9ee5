// Strings from run files reach the UI only as text: no web source renders markup from a string. (The e2e
// hostile-strings tests prove it in the browser for each place; this keeps the escape hatches out for good.)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const webDir = join(import.meta.dirname, '..', 'web');
const RAW_HTML =
  /\b(unsafeHTML|unsafeSVG|unsafeMathML|unsafeStatic|innerHTML|outerHTML|insertAdjacentHTML|document\.write)\b/;

describe('web sources', () => {
  it('never turn a string into markup', () => {
    const offenders = readdirSync(webDir)
      .filter((name) => name.endsWith('.ts'))
      .flatMap((name) =>
        readFileSync(join(webDir, name), 'utf8')
          .split('\n')
          .map((line, index) => ({ where: `web/${name}:${index + 1}`, line }))
          .filter(({ line }) => RAW_HTML.test(line) && !line.trim().startsWith('//')),
      )
      .map(({ where, line }) => `${where}: ${line.trim()}`);
    expect(offenders).toEqual([]);
  });
});
