import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: webRoot,
  // Absolute asset URLs: the server answers deep links (/runs/42) with index.html.
  base: '/',
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // No source maps in the package: they would be served without a token (static files are open so the login
    // page loads), and the bundle is readable enough to debug.
    sourcemap: false,
  },
});
