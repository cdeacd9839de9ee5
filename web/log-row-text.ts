// The pieces of text a log row shows, once, so a wrapped row's rendered text and the line count its height is
// computed from cannot drift apart.
import type { LogLineView } from '../shared/api.js';
import { levelLabel } from '../shared/events.js';
import { compactJson, formatClock } from './format.js';

export interface RowParts {
  time: string;
  level: string;
  /** The level as shown: upper case, padded to one width so wrapped rows line up. */
  levelText: string;
  step: string | null;
  msg: string;
  data: string;
}

export function rowParts(line: LogLineView): RowParts {
  const level = levelLabel(line.level);
  return {
    time: formatClock(line.time),
    level,
    levelText: level.toUpperCase().padEnd(5),
    step: line.step,
    msg: line.msg ?? line.event ?? '',
    data: compactJson(line.data),
  };
}

/** The row's text as a wrapped row renders it: the pieces separated by one space. */
export function rowText(line: LogLineView): string {
  const parts = rowParts(line);
  return [parts.time, parts.levelText, parts.step, parts.msg, parts.data === '' ? null : parts.data]
    .filter((part) => part !== null)
    .join(' ');
}
