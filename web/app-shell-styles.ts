// The app shell's look: the sticky header (skip link, brand, navigation, controls, offline banner) and <main>.
import { css } from 'lit';

export const appShellStyles = css`
  :host {
    display: block;
    min-height: 100vh;
  }
  .skip {
    position: absolute;
    left: -1000px;
  }
  .skip:focus {
    left: 8px;
    top: 8px;
    z-index: 10;
    background: var(--surface);
    padding: 6px 10px;
  }
  header {
    position: sticky;
    top: 0;
    z-index: 5;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px 20px;
    padding: 8px 20px;
    background: var(--surface);
    border-bottom: 1px solid var(--border);
  }
  .brand {
    font-weight: 700;
    font-size: 16px;
    color: var(--text);
  }
  nav ul {
    display: flex;
    gap: 4px;
    list-style: none;
    margin: 0;
    padding: 0;
  }
  nav a {
    display: inline-block;
    padding: 4px 10px;
    border-radius: 6px;
    color: var(--text);
  }
  nav a[aria-current='page'] {
    background: var(--surface-2);
    font-weight: 600;
  }
  .spacer {
    flex: 1;
  }
  offline-banner {
    /* Across the whole page, under the header's controls, sticky with them. */
    flex: 0 0 calc(100% + 40px);
    margin: 0 -20px -8px;
  }
  .tz {
    font-size: 12px;
    font-variant-numeric: tabular-nums;
  }
  main {
    padding: 16px 20px 40px;
    max-width: 1600px;
    margin: 0 auto;
  }
  @media (max-width: 600px) {
    header {
      padding: 8px 12px;
    }
    offline-banner {
      flex-basis: calc(100% + 24px);
      margin: 0 -12px -8px;
    }
    main {
      padding: 12px;
    }
  }
`;
