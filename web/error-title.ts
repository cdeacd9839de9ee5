// How a group's title (shared/error-fingerprint.ts errorTitle: "Timed out after <n> ms") reads on screen: the
// placeholders become short words ("Timed out after N ms"), marked apart from the message's own text. Pure.

export type TitlePart = { text: string } | { placeholder: string; meaning: string };

const PLACEHOLDERS: Record<string, { shown: string; meaning: string }> = {
  '<n>': { shown: 'N', meaning: 'a number' },
  '<uuid>': { shown: 'UUID', meaning: 'an id (UUID)' },
  '<hex>': { shown: 'HEX', meaning: 'a hexadecimal value' },
  '<email>': { shown: 'EMAIL', meaning: 'an email address' },
  '<url>': { shown: 'URL', meaning: 'a URL' },
  '<str>': { shown: '"…"', meaning: 'a quoted value' },
};

const PLACEHOLDER_PATTERN = /<(?:n|uuid|hex|email|url|str)>/g;

export function titleParts(title: string): TitlePart[] {
  const parts: TitlePart[] = [];
  let from = 0;
  for (const match of title.matchAll(PLACEHOLDER_PATTERN)) {
    if (match.index > from) parts.push({ text: title.slice(from, match.index) });
    const known = PLACEHOLDERS[match[0]]!;
    parts.push({ placeholder: known.shown, meaning: known.meaning });
    from = match.index + match[0].length;
  }
  if (from < title.length) parts.push({ text: title.slice(from) });
  return parts;
}

/** The title as plain text, as it reads on screen (labels, headings). */
export function titleText(title: string): string {
  return titleParts(title)
    .map((part) => ('text' in part ? part.text : part.placeholder))
    .join('');
}
