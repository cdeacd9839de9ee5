// The app: header (navigation, club filter, connection state), the page for the current URL, the token prompt.
// Routing uses the History API; in-app links are plain <a href> intercepted here, so they also work as links.
import { LitElement, html, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { appShellStyles } from './app-shell-styles.js';
import { currentRoute, inAppHref, routeWithChosenClub, withClub } from './app-location.js';
import { CLUB_STORAGE_KEY } from './club-choice.js';
import type { ConnectionState } from './live-state.js';
import { readSetting, writeSetting } from './local-setting.js';
import { clubsOf } from './overview-model.js';
import { renderRoutePage } from './route-page.js';
import { alertsHref, errorsHref, overviewHref, routeTitle, type Route } from './routes.js';
import type { NavigateDetail, Services } from './services.js';
import {
  TIME_ZONE_STORAGE_KEY,
  parseTimeZoneMode,
  setTimeZoneMode,
  timeZoneLabel,
  type TimeZoneMode,
} from './time-zone.js';
import type { TokenPrompt } from './token-prompt.js';
import { baseStyles } from './ui-styles.js';
import './club-filter.js';
import './connection-indicator.js';
import './offline-banner.js';
import './token-prompt.js';

/** The stored time-zone choice, applied to the page's formatting before anything renders. */
function initialTimeZone(): TimeZoneMode {
  const mode = parseTimeZoneMode(readSetting(TIME_ZONE_STORAGE_KEY));
  setTimeZoneMode(mode);
  return mode;
}

/** The app's element id: the skip link's target in the document (it then focuses the page's <main>). */
const APP_ID = 'app';

@customElement('runboard-app')
export class RunboardApp extends LitElement {
  static override styles = [baseStyles, appShellStyles];

  @property({ attribute: false }) services!: Services;
  @state() private route: Route = currentRoute();
  /** The club chosen in the header filter, kept until changed (club-choice). */
  @state() private club: string | null = null;
  @state() private timeZone: TimeZoneMode = initialTimeZone();
  @state() private connection: ConnectionState = 'connecting';
  @state() private clubs: string[] = [];
  /** The token prompt was dismissed: offer to sign in again. */
  @state() private needsSignIn = false;
  /** Bumped after a login so the page is created again and refetches what the 401 kept from it. */
  @state() private pageGeneration = 0;
  @query('token-prompt') private tokenPrompt!: TokenPrompt;
  @query('main') private main!: HTMLElement;

  private unsubscribers: Array<() => void> = [];

  /** The API client's 401 handler: the shell owns the dialog. */
  readonly promptToken = async (retry: boolean): Promise<string | null> => {
    await this.updateComplete;
    return this.tokenPrompt.ask(retry);
  };

  /** After a successful login. */
  signedIn(): void {
    // Requests waiting on the prompt retry by themselves; a page whose requests already failed (the prompt was
    // dismissed before) is created again.
    if (this.needsSignIn) this.pageGeneration++;
    this.needsSignIn = false;
    void this.loadClubs();
  }

  /** The operator dismissed the token prompt. */
  signedOut(): void {
    this.needsSignIn = true;
  }

  private signIn(): void {
    void this.services.api.authenticate().catch(() => (this.needsSignIn = true));
  }

  private readonly onPopState = (): void => {
    this.applyLocation();
  };

  private applyLocation(): void {
    const { route, club } = routeWithChosenClub();
    this.route = route;
    this.club = club;
  }

  private readonly onClick = (event: MouseEvent): void => {
    const href = inAppHref(event);
    if (href === null) return;
    event.preventDefault();
    this.navigate(href);
  };

  private readonly onNavigate = (event: Event): void => {
    const { href, replace } = (event as CustomEvent<NavigateDetail>).detail;
    this.navigate(href, replace ?? false);
  };

  override connectedCallback(): void {
    super.connectedCallback();
    // The skip link's target must be findable from the document (the <main> it focuses is in this shadow root).
    if (this.id === '') this.id = APP_ID;
    this.applyLocation();
    window.addEventListener('popstate', this.onPopState);
    this.addEventListener('click', this.onClick);
    this.addEventListener('navigate', this.onNavigate);
    this.unsubscribers.push(this.services.live.onState((model) => (this.connection = model.state)));
    // New clubs for the filter, from whatever run states the pages' topics bring (no topic of its own).
    this.unsubscribers.push(
      this.services.live.subscribe({
        topics: [],
        onBatch: (messages) => {
          for (const m of messages) {
            if (m.type !== 'runs') continue;
            const fresh = m.runs.map((r) => r.club).filter((c) => !this.clubs.includes(c));
            if (fresh.length > 0) this.clubs = [...new Set([...this.clubs, ...fresh])].sort();
          }
        },
        onResync: () => void this.loadClubs(),
      }),
    );
    void this.loadClubs();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this.onPopState);
    this.removeEventListener('click', this.onClick);
    this.removeEventListener('navigate', this.onNavigate);
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    this.unsubscribers = [];
  }

  private async loadClubs(): Promise<void> {
    try {
      this.clubs = clubsOf(await this.services.api.pipelines(null));
    } catch {
      // The page shows its own load error; the filter keeps what it had.
    }
  }

  navigate(href: string, replace = false): void {
    const before = window.location.pathname + window.location.search;
    if (href === before + window.location.hash) return;
    if (replace) window.history.replaceState(null, '', href);
    else window.history.pushState(null, '', href);
    const pathChanged = new URL(href, window.location.href).pathname !== new URL(before, window.location.href).pathname;
    this.applyLocation();
    if (pathChanged && !replace) {
      window.scrollTo(0, 0);
      // Move focus to the new content so keyboard and screen reader users land on it.
      void this.updateComplete.then(() => this.main?.focus({ preventScroll: true }));
    }
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('route')) document.title = `${routeTitle(this.route)} · runboard`;
  }

  private toggleTimeZone(): void {
    const next: TimeZoneMode = this.timeZone === 'utc' ? 'local' : 'utc';
    setTimeZoneMode(next);
    writeSetting(TIME_ZONE_STORAGE_KEY, next);
    this.timeZone = next;
    // Every time on the page is formatted again: the page is built anew (it refetches, which is cheap).
    this.pageGeneration++;
  }

  private onClubChange(event: CustomEvent<string | null>): void {
    // Stored first: a bare address (all clubs) must not get the previous choice back.
    writeSetting(CLUB_STORAGE_KEY, event.detail);
    this.navigate(withClub(this.route, event.detail));
  }

  private renderTimeZone() {
    const label = timeZoneLabel(
      this.timeZone,
      Intl.DateTimeFormat().resolvedOptions().timeZone,
      -new Date().getTimezoneOffset(),
    );
    const other = this.timeZone === 'utc' ? 'your local time' : 'UTC';
    return html`<button
      class="tz"
      data-time-zone=${this.timeZone}
      title="Times are shown in ${label}. Switch to ${other}."
      @click=${() => this.toggleTimeZone()}
    >
      <span class="visually-hidden">Times in </span>${label}
    </button>`;
  }

  override render() {
    const club = this.club;
    const view = this.route.view;
    return html`
      <header>
        <a class="skip" href="#${APP_ID}" @click=${(e: Event) => (e.preventDefault(), this.main.focus())}
          >Skip to content</a
        >
        <a class="brand" href=${overviewHref(club)}>runboard</a>
        <nav aria-label="Main">
          <ul>
            <li>
              <a
                href=${overviewHref(club)}
                aria-current=${view === 'overview' || view === 'pipeline' ? 'page' : 'false'}
                >Overview</a
              >
            </li>
            <li>
              <a href=${errorsHref({ club })} aria-current=${view === 'errors' ? 'page' : 'false'}>Errors</a>
            </li>
            <li>
              <a href=${alertsHref(club)} aria-current=${view === 'alerts' ? 'page' : 'false'}>Alerts</a>
            </li>
          </ul>
        </nav>
        <span class="spacer"></span>
        <club-filter
          .clubs=${this.clubs}
          .club=${club}
          @club-change=${(e: CustomEvent<string | null>) => this.onClubChange(e)}
        ></club-filter>
        ${this.renderTimeZone()}
        ${this.needsSignIn ? html`<button @click=${() => this.signIn()}>Sign in</button>` : null}
        <connection-indicator .state=${this.connection}></connection-indicator>
        <offline-banner .services=${this.services}></offline-banner>
      </header>
      <main id="main" tabindex="-1">${keyed(this.pageGeneration, renderRoutePage(this.route, this.services))}</main>
      <token-prompt></token-prompt>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'runboard-app': RunboardApp;
  }
}
