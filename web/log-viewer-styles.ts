// The log viewer's own layout: the scrolling viewport and its recycled rows, the gaps banner, the live controls.
import { css } from 'lit';

export const logViewerStyles = css`
  :host {
    display: grid;
    gap: 6px;
    min-width: 0;
  }
  .frame {
    position: relative;
  }
  .viewport {
    height: max(320px, calc(100vh - 260px));
    overflow-y: auto;
    overflow-x: hidden;
    background: var(--surface);
    border: 1px solid var(--border);
    border-radius: 8px;
    font-family: var(--mono);
    font-size: 12px;
    overscroll-behavior: contain;
    /* The rows are recycled as the window moves: the browser must not shift scrollTop to "anchor" them. */
    overflow-anchor: none;
    contain: strict;
  }
  .sizer {
    position: relative;
  }
  .rows {
    position: absolute;
    left: 0;
    right: 0;
    top: 0;
    will-change: transform;
  }
  .gaps-banner {
    display: flex;
    flex-wrap: wrap;
    gap: 6px 10px;
    align-items: center;
    padding: 6px 10px;
    border-radius: 8px;
    border: 1px solid var(--tone-partial);
    background: color-mix(in srgb, var(--tone-partial) 12%, transparent);
  }
  .live-controls {
    position: absolute;
    right: 18px;
    bottom: 14px;
    display: flex;
    gap: 8px;
  }
  .live-controls button {
    box-shadow: 0 2px 8px rgb(0 0 0 / 25%);
  }
  .jump {
    /* Fixed, not the theme's running tone: white text needs 4.5:1 in light and dark alike. */
    background: #1a5fd0;
    color: #fff;
    border-color: transparent;
    font-weight: 600;
  }
  .empty {
    padding: 20px;
    font-family: var(--sans);
  }
`;
