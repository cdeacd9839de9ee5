// One shared one-second ticker for every elapsed time on screen; a host re-renders on each tick only while
// `active()` says it shows something running, so a page of finished runs stays idle.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  timer ??= setInterval(() => {
    for (const l of [...listeners]) l();
  }, 1000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  };
}

export class ClockController implements ReactiveController {
  now = Date.now();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly active: () => boolean = () => true,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.now = Date.now();
    this.unsubscribe = subscribe(() => {
      this.now = Date.now();
      if (this.active()) this.host.requestUpdate();
    });
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }
}
