// The host's notion of time. Durable timers and timer triggers read it, so a test can swap in a virtual
// clock and make a 7-day timer fire at once.

export interface Clock {
  now(): number;
  /** Calls `fn` once when the clock reaches `atMs` (epoch ms); returns a cancel function. */
  schedule(atMs: number, fn: () => void): () => void;
}

export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }

  schedule(atMs: number, fn: () => void): () => void {
    // setTimeout cannot wait longer than 2^31-1 ms; re-arm in steps for longer waits.
    const maxDelay = 2_147_483_647;
    let handle: NodeJS.Timeout;
    const arm = (): void => {
      const delay = atMs - Date.now();
      if (delay <= 0) {
        fn();
        return;
      }
      handle = setTimeout(arm, Math.min(delay, maxDelay));
      handle.unref();
    };
    handle = setTimeout(arm, Math.max(0, Math.min(atMs - Date.now(), maxDelay)));
    handle.unref();
    return () => clearTimeout(handle);
  }
}

/** Time stands still until a test advances it; due callbacks then run in time order. */
export class VirtualClock implements Clock {
  #now: number;
  #pending: { atMs: number; seq: number; fn: () => void }[] = [];
  #seq = 0;

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  schedule(atMs: number, fn: () => void): () => void {
    const entry = { atMs, seq: this.#seq++, fn };
    if (atMs <= this.#now) {
      queueMicrotask(fn);
      return () => undefined;
    }
    this.#pending.push(entry);
    return () => {
      const i = this.#pending.indexOf(entry);
      if (i >= 0) this.#pending.splice(i, 1);
    };
  }

  /** Moves time forward by `ms`, running every callback that falls due, in order. */
  advance(ms: number): void {
    this.advanceTo(this.#now + ms);
  }

  advanceTo(targetMs: number): void {
    for (;;) {
      this.#pending.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
      const next = this.#pending[0];
      if (!next || next.atMs > targetMs) break;
      this.#pending.shift();
      this.#now = Math.max(this.#now, next.atMs);
      next.fn();
    }
    this.#now = Math.max(this.#now, targetMs);
  }

  get pendingCount(): number {
    return this.#pending.length;
  }
}
