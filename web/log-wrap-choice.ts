// Whether log lines wrap: the operator's choice kept in this browser, else on for narrow screens (where a
// one-line row shows little more than the time and level) and off for wide ones. Pure, for node tests.

export const LOG_WRAP_STORAGE_KEY = 'runboard.log.wrap';
export const NARROW_SCREEN_QUERY = '(max-width: 700px)';

/** The stored choice ('on'/'off'), else the screen's default. */
export function logWrapChoice(stored: string | null, narrowScreen: boolean): boolean {
  if (stored === 'on') return true;
  if (stored === 'off') return false;
  return narrowScreen;
}
