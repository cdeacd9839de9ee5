// Grouping recurring failures: the same error with different ids, numbers or quoted values groups together.
import { createHash } from 'node:crypto';

/** Replace the parts of a message that vary between occurrences with placeholders. */
export function normaliseErrorMessage(message: string): string {
  return message
    .slice(0, 2000)
    .toLowerCase()
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '<email>')
    .replace(/https?:\/\/\S+/g, '<url>')
    .replace(/"[^"]*"|'[^']*'|`[^`]*`/g, '<str>')
    .replace(/\b0x[0-9a-f]+\b|\b[0-9a-f]{12,}\b/g, '<hex>')
    .replace(/\d+(\.\d+)?/g, '<n>')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Stable 16-hex-digit fingerprint of an error: its system (if any) and normalised message. */
export function errorFingerprint(message: string, system: string | null = null): string {
  return createHash('sha1')
    .update(`${system ?? ''}\u0000${normaliseErrorMessage(message)}`)
    .digest('hex')
    .slice(0, 16);
}
