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
  // The login cookie now authenticates the socket too.
  onLogin: () => live.reconnectNow(),
});
app.services = { api, live };

window.addEventListener('online', () => live.setBrowserOnline(true));
window.addEventListener('offline', () => live.setBrowserOnline(false));
if (!navigator.onLine) live.setBrowserOnline(false);

document.body.replaceChildren(app);
live.start();
