// The page element for each route, given the app's services.
import { html } from 'lit';
import type { Route } from './routes.js';
import type { Services } from './services.js';
import './alerts-page.js';
import './errors-page.js';
import './overview-page.js';
import './pipeline-page.js';
import './run-page.js';

export function renderRoutePage(route: Route, services: Services) {
  switch (route.view) {
    case 'overview':
      return html`<overview-page .services=${services} .club=${route.club}></overview-page>`;
    case 'pipeline':
      return html`<pipeline-page
        .services=${services}
        .club=${route.club}
        .pipeline=${route.pipeline}
        .status=${route.status}
      ></pipeline-page>`;
    case 'run':
      return html`<run-page .services=${services} .route=${route}></run-page>`;
    case 'errors':
      return html`<errors-page .services=${services} .route=${route}></errors-page>`;
    case 'alerts':
      return html`<alerts-page .services=${services} .club=${route.club}></alerts-page>`;
    case 'not-found':
      return html`<h1>Not found</h1>
        <p>Nothing lives at <code>${route.path}</code>. <a href="/">Back to the overview</a>.</p>`;
  }
}
