// The URL operators reach runboard at, for absolute links (alerts' runUrl, `runboard tail`'s links) and for the
// host check. Two places can give it: `--public-url` (or RUNBOARD_PUBLIC_URL) and the config file's `publicUrl`.
// The flag wins: it is how an operator overrides one setting for one start without editing a shared file, the way
// every other flag relates to a file. Pure.

/** `https://dash.example/runboard/` → `https://dash.example/runboard`: paths are appended with a `/` of their own. */
export function normalPublicUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

export function effectivePublicUrl(flag: string | null, file: string | null | undefined): string | null {
  const chosen = flag ?? file ?? null;
  return chosen === null ? null : normalPublicUrl(chosen);
}

/** An absolute link to a UI path (`/runs/12`) under the public URL (which may carry a path prefix). */
export function absoluteLink(publicUrl: string, path: string): string {
  return `${normalPublicUrl(publicUrl)}/${path.replace(/^\/+/, '')}`;
}
