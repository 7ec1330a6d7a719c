import { DomainError } from "@kring/domain";

/**
 * Bounded in-flight work per server node, with a deadline on each unit of work, and the drain on
 * SIGTERM. Overload must never become a queue that outlives the load: past `maxInFlight` new work
 * is refused at once (`unavailable` + `retryAfterMs`), and work that is not done within
 * `deadlineMs` is answered `unavailable` while it finishes (or fails) in the background.
 *
 * A unit of work keeps its slot until it really settles, not until its deadline: the slot stands
 * for a database operation that is still running, and counting it as free would let new work
 * pile up behind it in the connection pool — exactly the queue that kept /readyz failing for
 * minutes after a load. The late result is safe to drop: every write is idempotent by its
 * clientId (or deterministic key), so the client's resend finds what the late completion stored.
 */
export type WorkGateOptions = {
  /** Units of work allowed at once on this node; the next one is refused without queueing. */
  maxInFlight: number;
  /** How long a unit may take before its caller is answered `unavailable`. */
  deadlineMs: number;
  /** The wait suggested to a refused caller; jittered up to twice this so retries spread out. */
  retryAfterMs: number;
  /** Told when a unit settles after its caller was already answered (for a log line). */
  onLateSettle?: (outcome: { error?: unknown; elapsedMs: number }) => void;
  random?: () => number;
};

export type WorkGate = {
  /**
   * Runs `work` under the bound and the deadline. Rejects with a `DomainError("unavailable")`
   * carrying `retryAfterMs` when the node is draining, full, or the deadline passes first.
   */
  run<R>(work: () => Promise<R>): Promise<R>;
  /** Units running now, including ones whose caller was already answered. */
  inFlight(): number;
  isDraining(): boolean;
  /** Stops admitting work and resolves once everything running has settled, or after `graceMs`. */
  drain(graceMs: number): Promise<void>;
};

export function createWorkGate(options: WorkGateOptions): WorkGate {
  const random = options.random ?? Math.random;
  let inFlight = 0;
  let isDraining = false;
  const idleWaiters = new Set<() => void>();

  const retryAfterMs = () => Math.round(options.retryAfterMs * (1 + random()));
  const unavailable = (message: string) => new DomainError("unavailable", message, { retryAfterMs: retryAfterMs() });

  const release = () => {
    inFlight -= 1;
    if (inFlight === 0) for (const wake of [...idleWaiters]) wake();
  };

  return {
    run<R>(work: () => Promise<R>): Promise<R> {
      if (isDraining) {
        return Promise.reject(unavailable("The server is restarting. Your client will reconnect; send again then."));
      }
      if (inFlight >= options.maxInFlight) {
        return Promise.reject(unavailable("The server is busy. Send again in a moment."));
      }
      inFlight += 1;
      const startedAt = performance.now();
      let isAnswered = false;
      let working: Promise<R>;
      try {
        working = work();
      } catch (error) {
        working = Promise.reject(error);
      }
      working.then(
        () => {
          if (isAnswered) options.onLateSettle?.({ elapsedMs: performance.now() - startedAt });
        },
        (error: unknown) => {
          if (isAnswered) options.onLateSettle?.({ error, elapsedMs: performance.now() - startedAt });
        },
      ).finally(release);

      return new Promise<R>((resolve, reject) => {
        const timer = setTimeout(() => {
          isAnswered = true;
          reject(unavailable("The server is busy and could not finish in time. Send again in a moment; nothing is doubled."));
        }, options.deadlineMs);
        // Work that never settles (a database that is gone) must not keep a stopping process alive.
        timer.unref();
        working.then(
          (result) => {
            if (isAnswered) return;
            clearTimeout(timer);
            isAnswered = true;
            resolve(result);
          },
          (error: unknown) => {
            if (isAnswered) return;
            clearTimeout(timer);
            isAnswered = true;
            reject(error);
          },
        );
      });
    },
    inFlight: () => inFlight,
    isDraining: () => isDraining,
    async drain(graceMs) {
      isDraining = true;
      if (inFlight === 0) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          idleWaiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, graceMs);
        idleWaiters.add(done);
      });
    },
  };
}
