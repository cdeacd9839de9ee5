// Entry: wires the REST client, the live socket and the app shell together.
import './global.css';
import { ApiClient } from './api-client.js';
import './app-shell.js';
import { LiveClient } from './live-client.js';

const live = new LiveClient({
  url: `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/api/live`,
  createSocket: (url) => new WebSocket(url),
  warn: (message) => console.warn(message),
});

const app = document.createElement('runboard-app');
const api = new ApiClient({
  promptToken: (retry) => app.promptToken(retry),
  // The login cookie now authenticates the socket too; pages reload what a 401 kept from them.
  onLogin: () => {
    live.start();
    live.reconnectNow();
    app.signedIn();
  },
  onLoginCancelled: () => app.signedOut(),
});
app.services = { api, live };

window.addEventListener('online', () => live.setBrowserOnline(true));
window.addEventListener('offline', () => live.setBrowserOnline(false));
if (!navigator.onLine) live.setBrowserOnline(false);

document.body.replaceChildren(app);

// With a token required and no session yet, the socket would only be refused: ask first (the pages' own
// requests wait on the same prompt). A server without /api/session, or a network error, just starts.
void api.session().then(
  (session) => {
    if (!session.authRequired || session.authenticated) live.start();
    else void api.authenticate().catch(() => undefined);
  },
  () => live.start(),
);
