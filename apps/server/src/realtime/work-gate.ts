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
 * minutes after a load.
 *
 * Work with a `key` (an idempotent write: the sender's clientId) is not done twice on this node:
 * the client's resend of a unit still running joins it instead of starting a second one, and a
 * resend of a unit that finished after its caller was answered `unavailable` gets that result.
 * Without this, every deadline produced a second write plus a clientId lookup for the same
 * message, and an overloaded node spent its time redoing work it had already done.
 *
 * Work with a `partition` (the circle of a send) has a fair share too: once the node is half
 * full, a partition that already has `maxPerPartition` units running gets no more. Sends are
 * serialised per circle, so more than a few from one circle only wait in line; without a share,
 * a busy circle's senders (answered first, so first to send again) held most of the node's slots
 * while other circles' senders were refused and the database sat idle — throughput under
 * overload fell to a third. Below half full nothing is refused, so a burst in one circle is fine.
 *
 * `urgent` work (a Help raise, a claim, a check-in) may use a reserve of a quarter above the bound,
 * so a node full of message sends still takes an alarm. And the suggested wait grows with the
 * refusals of the last second (up to 4×): under a retry storm every refusal costs CPU too, and
 * longer waits let the clients' demand fall to what the node can take.
 */
type WorkGateOptions = {
  /** Units of work allowed at once on this node; the next one is refused without queueing. */
  maxInFlight: number;
  /** Once the node is half full: units allowed per partition (e.g. per circle); more are refused. */
  maxPerPartition?: number;
  /** How long a unit may take before its caller is answered `unavailable`. */
  deadlineMs: number;
  /** The wait suggested to a refused caller; jittered up to twice this so retries spread out. */
  retryAfterMs: number;
  /** Told when a unit settles after its caller was already answered (for a log line). */
  onLateSettle?: (outcome: { error?: unknown; elapsedMs: number }) => void;
  /** How long the result of a unit that finished late is kept for the resend. */
  keepLateResultsMs?: number;
  random?: () => number;
  now?: () => number;
};

export type WorkGate = {
  /**
   * Runs `work` under the bound and the deadline. Rejects with a `DomainError("unavailable")`
   * carrying `retryAfterMs` when the node is draining, full, or the deadline passes first.
   * With a `key`, a unit with the same key that is running (or finished late) is joined instead.
   */
  run<R>(work: () => Promise<R>, options?: RunOptions): Promise<R>;
  /** Units running now, including ones whose caller was already answered. */
  inFlight(): number;
  isDraining(): boolean;
  /** Stops admitting work and resolves once everything running has settled, or after `graceMs`. */
  drain(graceMs: number): Promise<void>;
};

export type RunOptions = { key?: string | undefined; partition?: string | undefined; isUrgent?: boolean };

type KeyedEntry = { state: "running"; working: Promise<unknown> } | { state: "late"; result: unknown; keptUntil: number };

/** The most the suggested wait grows under a storm of refusals. */
const MAX_BACKOFF_FACTOR = 4;
/** Urgent work may go this far above the bound. */
const URGENT_RESERVE = 0.25;

/** More late results than this are not kept (oldest dropped first); a resend then just does the work. */
const MAX_KEPT_RESULTS = 10_000;

export function createWorkGate(options: WorkGateOptions): WorkGate {
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const keepLateResultsMs = options.keepLateResultsMs ?? 60_000;
  let inFlight = 0;
  let isDraining = false;
  const idleWaiters = new Set<() => void>();
  const byKey = new Map<string, KeyedEntry>();
  const byPartition = new Map<string, number>();
  const maxPerPartition = options.maxPerPartition ?? Number.POSITIVE_INFINITY;

  // Refusals counted per second; the previous second's count scales the suggested wait.
  let refusalWindowStart = now();
  let refusalsThisWindow = 0;
  let refusalsLastWindow = 0;
  const rollRefusalWindow = () => {
    const elapsed = now() - refusalWindowStart;
    if (elapsed < 1000) return;
    refusalsLastWindow = elapsed < 2000 ? refusalsThisWindow : 0;
    refusalsThisWindow = 0;
    refusalWindowStart = now();
  };
  const retryAfterMs = () => {
    rollRefusalWindow();
    refusalsThisWindow += 1;
    const pressure = Math.min(MAX_BACKOFF_FACTOR, 1 + refusalsLastWindow / options.maxInFlight);
    return Math.round(options.retryAfterMs * pressure * (1 + random()));
  };
  const unavailable = (message: string) => new DomainError("unavailable", message, { retryAfterMs: retryAfterMs() });

  const release = () => {
    inFlight -= 1;
    if (inFlight === 0) for (const wake of [...idleWaiters]) wake();
  };

  const keepLateResult = (key: string, result: unknown) => {
    byKey.delete(key);
    byKey.set(key, { state: "late", result, keptUntil: now() + keepLateResultsMs });
    for (const [oldKey, entry] of byKey) {
      if (byKey.size <= MAX_KEPT_RESULTS && !(entry.state === "late" && entry.keptUntil < now())) break;
      if (entry.state === "late") byKey.delete(oldKey);
    }
  };

  /** Answers with `working`'s outcome or, at the deadline, `unavailable`; reports whether it was too late. */
  const answerWithin = <R>(working: Promise<R>, onTooLate: () => void): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      let isAnswered = false;
      const timer = setTimeout(() => {
        isAnswered = true;
        onTooLate();
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

  return {
    run<R>(work: () => Promise<R>, runOptions: RunOptions = {}): Promise<R> {
      if (isDraining) {
        return Promise.reject(unavailable("The server is restarting. Your client will reconnect; send again then."));
      }
      const { key, partition, isUrgent = false } = runOptions;
      const known = key === undefined ? undefined : byKey.get(key);
      if (known?.state === "running") return answerWithin(known.working as Promise<R>, () => undefined);
      if (known?.state === "late" && known.keptUntil >= now()) {
        byKey.delete(key!);
        return Promise.resolve(known.result as R);
      }
      const inPartition = partition === undefined ? 0 : (byPartition.get(partition) ?? 0);
      const isOverShare = inPartition >= maxPerPartition && inFlight >= options.maxInFlight / 2;
      const bound = isUrgent ? Math.ceil(options.maxInFlight * (1 + URGENT_RESERVE)) : options.maxInFlight;
      if (inFlight >= bound || isOverShare) {
        return Promise.reject(unavailable("The server is busy. Send again in a moment."));
      }
      inFlight += 1;
      if (partition !== undefined) byPartition.set(partition, inPartition + 1);
      const startedAt = performance.now();
      let isLate = false;
      let working: Promise<R>;
      try {
        working = work();
      } catch (error) {
        working = Promise.reject(error);
      }
      if (key !== undefined) byKey.set(key, { state: "running", working });
      working
        .then(
          (result) => {
            if (key !== undefined) {
              if (isLate) keepLateResult(key, result);
              else byKey.delete(key);
            }
            if (isLate) options.onLateSettle?.({ elapsedMs: performance.now() - startedAt });
          },
          (error: unknown) => {
            if (key !== undefined) byKey.delete(key);
            if (isLate) options.onLateSettle?.({ error, elapsedMs: performance.now() - startedAt });
          },
        )
        .finally(() => {
          if (partition !== undefined) {
            const left = (byPartition.get(partition) ?? 1) - 1;
            if (left === 0) byPartition.delete(partition);
            else byPartition.set(partition, left);
          }
          release();
        });
      return answerWithin(working, () => {
        isLate = true;
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
