// The start of a rejected line, readable whatever its bytes: for ingest_rejects.excerpt.

/** Bytes of a rejected line kept as its excerpt. */
export const EXCERPT_BYTES = 200;

const lenient = new TextDecoder('utf-8', { fatal: false });

/** Decode up to EXCERPT_BYTES bytes, invalid sequences becoming U+FFFD. */
export function lenientExcerpt(bytes: Uint8Array): string {
  return lenient.decode(bytes.subarray(0, EXCERPT_BYTES));
}

/** The first EXCERPT_BYTES bytes' worth of an already decoded line (by characters: close enough, never splits a pair). */
export function textExcerpt(text: string): string {
  if (text.length <= EXCERPT_BYTES) return text;
  let cut = EXCERPT_BYTES;
  const c = text.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut--;
  return text.slice(0, cut);
}
