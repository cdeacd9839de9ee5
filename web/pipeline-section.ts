// The base of the pipeline page's sections that are elements of their own (schedule history, health history):
// the pipeline they show, the live value whose change reloads them, and loading that keeps only the newest
// answer (an answer overtaken by a newer load is dropped).
import { LitElement } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { Services } from './services.js';

export abstract class PipelineSection<T> extends LitElement {
  @property({ attribute: false }) services!: Services;
  @property() club = '';
  @property() pipeline = '';
  /** Any new value reloads (the pipeline page passes its live health). */
  @property({ attribute: false }) revision: unknown = null;

  @state() protected loadError: string | null = null;
  /** Bumped by each load: an answer fetched under an older number is stale. */
  protected generation = 0;

  /** Fetches what the section shows. */
  protected abstract request(): Promise<T>;
  /** Shows a fresh answer (loadError is cleared after). */
  protected abstract show(answer: T): void;

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('club') || changed.has('pipeline') || changed.has('revision') || changed.has('services'))
      void this.load();
  }

  private async load(): Promise<void> {
    if (!this.services || this.club === '' || this.pipeline === '') return;
    const generation = ++this.generation;
    try {
      const answer = await this.request();
      if (generation !== this.generation) return;
      this.show(answer);
      this.loadError = null;
    } catch (error) {
      if (generation === this.generation) this.loadError = error instanceof Error ? error.message : String(error);
    }
  }
}
