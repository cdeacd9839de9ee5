// Asks for the server's access token when the API answers 401. The token goes to POST /api/login, which
// sets an HttpOnly cookie; the page never stores it.
import { LitElement, css, html } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { baseStyles } from './ui-styles.js';

@customElement('token-prompt')
export class TokenPrompt extends LitElement {
  static override styles = [
    baseStyles,
    css`
      dialog {
        border: 1px solid var(--border);
        border-radius: 10px;
        background: var(--surface);
        color: var(--text);
        padding: 20px;
        width: min(420px, 92vw);
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 45%);
      }
      form {
        display: grid;
        gap: 12px;
      }
      .actions {
        display: flex;
        gap: 8px;
        justify-content: flex-end;
      }
      input {
        width: 100%;
      }
    `,
  ];

  @state() private retry = false;
  @query('dialog') private dialog!: HTMLDialogElement;
  @query('input') private input!: HTMLInputElement;
  private resolve: ((token: string | null) => void) | null = null;

  /** Opens the dialog; resolves with the token, or null when cancelled. */
  async ask(retry: boolean): Promise<string | null> {
    this.retry = retry;
    await this.updateComplete;
    this.input.value = '';
    if (!this.dialog.open) this.dialog.showModal();
    this.input.focus();
    return new Promise((resolve) => {
      this.resolve = resolve;
    });
  }

  private finish(token: string | null): void {
    const resolve = this.resolve;
    this.resolve = null;
    this.dialog.close();
    resolve?.(token);
  }

  private onSubmit(event: Event): void {
    event.preventDefault();
    const token = this.input.value.trim();
    if (token !== '') this.finish(token);
  }

  override render() {
    return html`<dialog aria-labelledby="token-title" @cancel=${() => this.finish(null)}>
      <form @submit=${(e: Event) => this.onSubmit(e)}>
        <h2 id="token-title">Access token required</h2>
        <p class="muted">This runboard server is protected. Enter its token to continue.</p>
        ${this.retry ? html`<p class="error-text" role="alert">That token was not accepted. Try again.</p>` : null}
        <label>Token <input type="password" name="token" autocomplete="current-password" required /></label>
        <div class="actions">
          <button type="button" @click=${() => this.finish(null)}>Cancel</button>
          <button type="submit">Sign in</button>
        </div>
      </form>
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'token-prompt': TokenPrompt;
  }
}
