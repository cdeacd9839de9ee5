// axe-core run inside a page: the accessibility rules it breaks, in a form a test can compare with [].
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let axeSource: string | null = null;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  /** Where: one CSS selector path per offending node (shadow roots as nested arrays, joined with " >> "). */
  targets: string[];
  /** axe's own explanation for the first node (contrast figures and the like). */
  summary: string;
}

/** Runs axe over the whole page (shadow roots included) and returns its violations. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated, not added as a <script>: the UI's Content-Security-Policy (script-src 'self') refuses inline scripts.
  axeSource ??= readFileSync(axePath, 'utf8');
  if (!(await page.evaluate('typeof window.axe !== "undefined"')))
    await page.evaluate(`(() => { ${axeSource}\n; return true; })()`);
  return page.evaluate<AxeViolation[]>(`(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    const flat = (target) => target.map((part) => (Array.isArray(part) ? part.join(' >> ') : part)).join(' >> ');
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      targets: v.nodes.map((n) => flat(n.target)),
      summary: v.nodes[0] ? v.nodes[0].failureSummary ?? '' : '',
    }));
  })()`);
}
