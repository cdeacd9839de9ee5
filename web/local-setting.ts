// The operator's choices kept in this browser (localStorage). Storage may be unavailable (privacy modes,
// quota): then a choice lasts for the page's life only, never an error.

export function readSetting(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Stores the value, or removes the key for null. */
export function writeSetting(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // Not kept across visits; the URL still carries what it can.
  }
}
