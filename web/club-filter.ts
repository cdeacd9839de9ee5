// The club filter in the header; choosing one fires `club-change` and the shell updates the URL.
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { baseStyles } from './ui-styles.js';

@customElement('club-filter')
export class ClubFilter extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: inline-flex;
        align-items: center;
      }
      label {
        display: inline-flex;
        align-items: center;
        gap: 6px;
      }
      select {
        max-width: 14em;
      }
    `,
  ];

  @property({ attribute: false }) clubs: string[] = [];
  @property({ attribute: false }) club: string | null = null;

  private onChange(event: Event): void {
    const value = (event.target as HTMLSelectElement).value;
    this.dispatchEvent(
      new CustomEvent<string | null>('club-change', {
        detail: value === '' ? null : value,
        bubbles: true,
        composed: true,
      }),
    );
  }

  override render() {
    // The selected club stays listed even before the list has loaded (deep link).
    const clubs = this.club !== null && !this.clubs.includes(this.club) ? [this.club, ...this.clubs] : this.clubs;
    return html`<label
      ><span>Club</span>
      <select @change=${(e: Event) => this.onChange(e)} aria-label="Filter by club">
        <option value="" ?selected=${this.club === null}>All clubs</option>
        ${clubs.map((c) => html`<option .value=${c} ?selected=${c === this.club}>${c}</option>`)}
      </select></label
    >`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'club-filter': ClubFilter;
  }
}
