// Grouping recurring failures: the same error with different ids, numbers or quoted values groups together.
// One list of rules makes both the fingerprint and the group's title, so a title can't disagree with its group.
import { createHash } from 'node:crypto';

/** What varies between occurrences, and the placeholder it becomes (in this order). */
const VARYING_PARTS: ReadonlyArray<readonly [pattern: string, placeholder: string]> = [
  ['[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', '<uuid>'],
  ['[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+', '<email>'],
  ['https?:\\/\\/\\S+', '<url>'],
  ['"[^"]*"|\'[^\']*\'|`[^`]*`', '<str>'],
  ['\\b0x[0-9a-f]+\\b|\\b[0-9a-f]{12,}\\b', '<hex>'],
  ['\\d+(\\.\\d+)?', '<n>'],
];

/** The placeholders a title may hold. */
export const ERROR_PLACEHOLDERS = ['<uuid>', '<email>', '<url>', '<str>', '<hex>', '<n>'] as const;

/** The rules on lower-cased text (the fingerprint's, unchanged since fingerprints were first stored). */
const LOWER_RULES = VARYING_PARTS.map(([source, placeholder]) => [new RegExp(source, 'g'), placeholder] as const);
/** The same rules, case-blind, on the text as written (the title's). */
const CASED_RULES = VARYING_PARTS.map(([source, placeholder]) => [new RegExp(source, 'gi'), placeholder] as const);

function replaceVarying(text: string, rules: typeof LOWER_RULES): string {
  let result = text;
  for (const [pattern, placeholder] of rules) result = result.replace(pattern, placeholder);
  return result.replace(/\s+/g, ' ').trim();
}

/** Replace the parts of a message that vary between occurrences with placeholders. */
export function normaliseErrorMessage(message: string): string {
  return replaceVarying(message.slice(0, 2000).toLowerCase(), LOWER_RULES);
}

/**
 * A group's title: the message with the parts its group varies on replaced by placeholders ("timed out after <n>
 * ms"), in the message's own case. Lower-cased it is exactly the fingerprint's normalised text; for the rare
 * message where case-blind matching would differ from matching the lower-cased text (a character such as U+212A
 * KELVIN SIGN lower-cases to ASCII), the normalised text itself is the title, so the two never disagree.
 */
export function errorTitle(message: string): string {
  const normalised = normaliseErrorMessage(message);
  const title = replaceVarying(message.slice(0, 2000), CASED_RULES);
  return title.toLowerCase() === normalised ? title : normalised;
}

/** Stable 16-hex-digit fingerprint of an error: its system (if any) and normalised message. */
export function errorFingerprint(message: string, system: string | null = null): string {
  return createHash('sha1')
    .update(`${system ?? ''}\u0000${normaliseErrorMessage(message)}`)
    .digest('hex')
    .slice(0, 16);
}
