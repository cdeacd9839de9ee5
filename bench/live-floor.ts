// The least possible live pipeline, measured by bench/live.ts alongside `runboard start` on the same writes: watch
// each run file with fs.watch, read its new bytes, JSON.parse each complete line, send them on a WebSocket to the
// clients of that file. No database, no hub, no coalescing: what append → client costs on this machine at all, so
// runboard's figures can be read against it rather than against a number measured on another day.
//
// Started by bench/live.ts as its own process (like the daemon): reads `{"files":[...]}` on stdin, prints
// `{"port":n}`, serves ws://127.0.0.1:n/?file=<index>, and exits when stdin closes or after --max-seconds.
import { closeSync, openSync, readSync, watch, type FSWatcher } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { WebSocketServer, type WebSocket } from 'ws';

const { values: args } = parseArgs({ options: { 'max-seconds': { type: 'string', default: '120' } } });

interface FollowedFile {
  fd: number;
  offset: number;
  /** Bytes after the last newline read so far. */
  partial: string;
  clients: Set<WebSocket>;
}

const readBuffer = Buffer.allocUnsafe(1 << 16);

/** Everything complete appended since the last read, as one frame in the shape the daemon's live socket sends. */
function readNewLines(file: FollowedFile): string | null {
  let text = file.partial;
  for (;;) {
    const n = readSync(file.fd, readBuffer, 0, readBuffer.length, file.offset);
    if (n === 0) break;
    file.offset += n;
    text += readBuffer.toString('utf8', 0, n);
  }
  const end = text.lastIndexOf('\n');
  file.partial = text.slice(end + 1);
  if (end < 0) return null;
  const lines = text
    .slice(0, end)
    .split('\n')
    .map((line) => ({ data: JSON.parse(line) as unknown }));
  return JSON.stringify({ type: 'batch', messages: [{ type: 'logs', lines }] });
}

async function main(): Promise<void> {
  const stdin = createInterface({ input: process.stdin });
  const paths = await new Promise<string[]>((resolve) =>
    stdin.once('line', (line) => resolve((JSON.parse(line) as { files: string[] }).files)),
  );
  const files: FollowedFile[] = paths.map((path) => ({
    fd: openSync(path, 'r'),
    offset: 0,
    partial: '',
    clients: new Set(),
  }));
  // Lines already in the files (run.start) are not part of the measurement.
  for (const file of files) readNewLines(file);

  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  server.on('connection', (socket, request) => {
    const index = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('file'));
    const file = files[index];
    if (file === undefined) return socket.close(4000, 'no such file');
    file.clients.add(socket);
    socket.on('close', () => file.clients.delete(socket));
  });

  const watchers: FSWatcher[] = files.map((file, i) =>
    watch(paths[i] as string, () => {
      const frame = readNewLines(file);
      if (frame !== null) for (const client of file.clients) client.send(frame);
    }),
  );
  const address = server.address();
  process.stdout.write(
    JSON.stringify({ port: typeof address === 'object' && address !== null ? address.port : null }) + '\n',
  );

  const finish = () => {
    for (const watcher of watchers) watcher.close();
    for (const file of files) closeSync(file.fd);
    for (const client of server.clients) client.terminate();
    server.close();
    process.exit(0);
  };
  stdin.once('close', finish);
  // Bounded whatever the parent does.
  setTimeout(finish, Number(args['max-seconds']) * 1000).unref();
}

await main();
