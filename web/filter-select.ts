// A labelled select of a filter form (errors page, log toolbar): its choices, and what a change picks.
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';

export interface Choice {
  value: string;
  text: string;
  selected: boolean;
}

export interface FilterSelect {
  /** The visible label. */
  label: string;
  className?: string;
  /** A name for assistive technology that says more than the label. */
  ariaLabel?: string;
  choices: readonly Choice[];
  /** Called with the chosen value on each change. */
  pick: (value: string) => void;
}

export function renderFilterSelect(select: FilterSelect) {
  return html`<label
    >${select.label}
    <select
      class=${ifDefined(select.className)}
      aria-label=${ifDefined(select.ariaLabel)}
      @change=${(e: Event) => select.pick((e.target as HTMLSelectElement).value)}
    >
      ${select.choices.map((c) => html`<option .value=${c.value} ?selected=${c.selected}>${c.text}</option>`)}
    </select></label
  >`;
}

/** "All" (the empty value) and the names; the one filtered on is listed even when no longer among them. */
export function nameChoices(all: string, names: readonly string[], current: string | null): Choice[] {
  const listed = current !== null && !names.includes(current) ? [current, ...names] : names;
  return [
    { value: '', text: all, selected: current === null },
    ...listed.map((n) => ({ value: n, text: n, selected: n === current })),
  ];
}
