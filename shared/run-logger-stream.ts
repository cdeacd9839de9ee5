// Where a run's lines go: its NDJSON file (synchronous writes: each line is in the file when the log call
// returns, so an operator watching live sees it at once and an exit or crash loses nothing), or, under
// `runboard exec`, the process's stdout, which exec turns into the run's file.
import { appendFileSync } from 'node:fs';
import pino from 'pino';

type SonicBoom = ReturnType<typeof pino.destination>;

/** A run's file. Closing it frees the descriptor (a long-lived process may run many runs); a line logged
 * after that still reaches the file, by a slower open-append-close, rather than being lost. */
export class RunFileStream implements pino.DestinationStream {
  #boom: SonicBoom | null;

  constructor(readonly file: string) {
    this.#boom = pino.destination({ dest: file, sync: true, mkdir: true, append: true });
  }

  write(line: string): void {
    if (this.#boom) this.#boom.write(line);
    else appendFileSync(this.file, line);
  }

  close(): void {
    const boom = this.#boom;
    this.#boom = null;
    boom?.end();
  }
}

/** stdout, written synchronously so nothing is lost on exit and lines interleave whole with other output. */
export function stdoutStream(): SonicBoom {
  return pino.destination({ dest: 1, sync: true });
}
