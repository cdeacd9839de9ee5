// The wrap choice read from and kept in this browser (see log-wrap-choice for the rule).
import { readSetting, writeSetting } from './local-setting.js';
import { LOG_WRAP_STORAGE_KEY, NARROW_SCREEN_QUERY, logWrapChoice } from './log-wrap-choice.js';

export function initialLogWrap(): boolean {
  return logWrapChoice(readSetting(LOG_WRAP_STORAGE_KEY), window.matchMedia(NARROW_SCREEN_QUERY).matches);
}

export function storeLogWrap(wrap: boolean): void {
  writeSetting(LOG_WRAP_STORAGE_KEY, wrap ? 'on' : 'off');
}
