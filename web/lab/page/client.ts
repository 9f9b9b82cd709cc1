// The page's side of the worker protocol: typed requests that resolve with the worker's reply,
// and a stream of events. `latest` wraps a request that the UI may fire faster than the worker
// answers (the cursor, the drawing): at most one in flight, and only the newest waiting one runs.
import type { Event, FromWorker, Replies, Request, ToWorker } from '../protocol.js';

type Kind = Request['kind'];

/** A request that failed because the GPU device was lost; the worker recovers and says so in a banner. */
export class DeviceLostError extends Error {
  override name = 'DeviceLostError';
}

export class LabClient {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(
    private readonly worker: Worker,
    onEvent: (e: Event) => void,
    onCrash: (message: string) => void,
  ) {
    worker.onmessage = (ev: MessageEvent<FromWorker>) => {
      const m = ev.data;
      if ('event' in m) {
        onEvent(m.event);
        return;
      }
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if ('result' in m) w.resolve(m.result);
      else w.reject(m.deviceLost ? new DeviceLostError(m.error) : new Error(m.error));
    };
    worker.onerror = (ev) => {
      ev.preventDefault();
      onCrash(`the training worker failed: ${ev.message || 'unknown error'}`);
      for (const w of this.waiting.values()) w.reject(new Error('the training worker failed'));
      this.waiting.clear();
    };
  }

  call<K extends Kind>(request: Extract<Request, { kind: K }>, transfer: Transferable[] = []): Promise<Replies[K]> {
    const id = this.nextId++;
    return new Promise<Replies[K]>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      const message: ToWorker = { id, request };
      this.worker.postMessage(message, transfer);
    });
  }
}

/**
 * Wraps an async function so that calls made while one runs collapse into one later call with
 * the newest arguments (a mouse move sends many; only the last position matters).
 */
export function latest<A extends unknown[]>(
  fn: (...args: A) => Promise<void>,
  onError: (e: Error) => void,
): (...args: A) => void {
  let running = false;
  let queued: A | null = null;
  const run = async (args: A): Promise<void> => {
    running = true;
    try {
      await fn(...args);
    } catch (e) {
      onError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      running = false;
      const next = queued;
      queued = null;
      if (next) void run(next);
    }
  };
  return (...args: A) => {
    if (running) queued = args;
    else void run(args);
  };
}
