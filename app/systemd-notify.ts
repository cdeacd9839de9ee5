// Readiness for systemd (Type=notify). Node has no AF_UNIX datagram sockets, so the message goes through
// `systemd-notify`, a child process: the unit therefore needs NotifyAccess=all. systemd-notify (>= v246) waits
// until the manager has processed the message, which avoids the race of the sender exiting first.
import { spawn } from 'node:child_process';

export interface NotifyResult {
  sent: boolean;
  /** Why nothing was sent or what failed; null when sent. */
  problem: string | null;
}

const NOTIFY_TIMEOUT_MS = 5_000;

/**
 * Sends `assignments` (e.g. READY=1, STATUS=..., STOPPING=1) when NOTIFY_SOCKET is set; resolves, never rejects.
 */
export function notifySystemd(
  assignments: string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<NotifyResult> {
  if (!env.NOTIFY_SOCKET) return Promise.resolve({ sent: false, problem: 'NOTIFY_SOCKET is not set' });
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: NotifyResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const child = spawn('systemd-notify', assignments, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...env } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 2000) stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ sent: false, problem: `systemd-notify did not finish within ${NOTIFY_TIMEOUT_MS} ms` });
    }, NOTIFY_TIMEOUT_MS);
    timer.unref();
    child.on('error', (error) => finish({ sent: false, problem: `cannot run systemd-notify: ${error.message}` }));
    child.on('close', (code) =>
      finish(
        code === 0
          ? { sent: true, problem: null }
          : { sent: false, problem: `systemd-notify exited with ${code}: ${stderr.trim().split('\n')[0] ?? ''}` },
      ),
    );
  });
}
