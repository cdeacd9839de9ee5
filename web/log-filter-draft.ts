// The log's filter controls between a keystroke and the URL: what they show while a change is not applied yet
// (the search box's debounce), and whether applying it replaces the history entry (one entry per search typed,
// see filterHistory) or pushes one. The URL stays the one truth: a filter that arrives by it drops the draft.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { draftFilter, filterHistory, sameFilter, type LogFilter } from './log-filter.js';

/** Typing in the search box applies this long after the last keystroke. */
const SEARCH_DEBOUNCE_MS = 300;

export class LogFilterDraft implements ReactiveController {
  /** What the controls show while a change waits to apply; null when they show the URL's filter. */
  draft: LogFilter | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** The current history entry is a search being typed; reset when typing stops. */
  private typingEntryOpen = false;
  /** The filter last navigated to from here: any other change came from history or a link. */
  private applied: LogFilter | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    /** Navigate to the filtered log, replacing the history entry or not. */
    private readonly navigate: (filter: LogFilter, replace: boolean) => void,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.cancel();
  }

  /** The URL now says what the log is filtered by (applied, or changed by history): it wins over a draft. */
  urlChanged(filter: LogFilter): void {
    this.cancel();
    this.draft = null;
    if (this.applied === null || !sameFilter(this.applied, filter)) this.typingEntryOpen = false;
    this.host.requestUpdate();
  }

  /** A control changed: show it at once, apply it now or (typing) after the debounce. */
  set(current: LogFilter, patch: Partial<LogFilter>, debounce: boolean): void {
    this.cancel();
    const filter = draftFilter(current, this.draft, patch);
    this.draft = filter;
    this.host.requestUpdate();
    const apply = () => {
      this.timer = null;
      const history = filterHistory(debounce ? 'typing' : 'pick', this.typingEntryOpen);
      this.typingEntryOpen = history.typingEntryOpen;
      this.applied = filter;
      this.navigate(filter, history.replace);
    };
    if (debounce) this.timer = setTimeout(apply, SEARCH_DEBOUNCE_MS);
    else apply();
  }

  searchBlurred(): void {
    this.typingEntryOpen = false;
  }

  private cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
