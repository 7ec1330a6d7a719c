import type { Ack } from "@kring/protocol";
import { ACK_TIMEOUT_MS, currentSocket, type KringSocket } from "./socket";
import { readStored, writeStored } from "./storage";

// The one implementation of a queue of unsent socket emits; messages and alerts each keep a queue of it. What a person typed or pressed
// must never be lost nor happen twice: an entry is persisted (per user) before anything is sent, is
// sent with an ack and a timeout when the socket is connected, is resent with the SAME clientId after a
// timeout, after the wait a busy server asks for (`unavailable`/`rate_limited` + `retryAfterMs`) and on
// every reconnect (the app shell flushes on connect), and leaves the queue only on a definitive answer:
// the server's ok (or the store seeing the stored item by another path). The server makes every send
// idempotent per clientId, which is what makes all these resends safe.
//
// The entries live in the owning store's state (screens subscribe to them as before); the outbox reads
// and writes them through the store and keeps localStorage in step with every change.

export type OutboxEntryStatus = "waiting" | "sending" | "failed";

/** What every queued emit carries; a store adds its own fields (the body, the alert's kind…). */
export type OutboxEntry = {
  clientId: string;
  status: OutboxEntryStatus;
  /** Emitted at least once: the server may have stored it even if no ack came back. */
  wasSent?: boolean;
  /** Why a waiting entry is not out yet while connected: no ack came, or the server asked to wait. */
  retry?: "busy";
  /** The code of the refusal that made it `failed`. */
  errorCode?: string;
};

/** The socket as `socket.timeout(ms)` returns it: its `emitWithAck` rejects when no ack comes in time. */
export type TimedSocket = ReturnType<KringSocket["timeout"]>;

export type OutboxOptions<E extends OutboxEntry, R extends object> = {
  /** Entries are persisted under `<storagePrefix><userId>`. */
  storagePrefix: string;
  /** One persisted entry, already known to be an object with a string clientId; undefined drops it. */
  parseEntry(record: Record<string, unknown> & { clientId: string }): E | undefined;
  /** The signed-in user whose queue this is; nothing is persisted without one. */
  userId(): string | undefined;
  /** The owning store's slice of entries, oldest first. */
  entries(): E[];
  setEntries(entries: E[]): void;
  /** Emits one entry with an ack (its event and payload); the outbox adds the timeout. */
  emit(socket: TimedSocket, entry: E): Promise<Ack<R>>;
  /** The server stored it: the store takes the answer in (the entry is dropped right after). */
  accept(entry: E, answer: { ok: true } & R): void;
  /** How long to wait before resending an entry whose ack did not come in time. */
  retryAfterTimeoutMs: number;
  /** What a retry timer runs; by default this outbox's flush (a store may flush more with it). */
  onRetryDue?(): void;
};

type Outbox<E extends OutboxEntry> = {
  /** The user's persisted entries; one left `sending` when the page closed is `waiting` again. */
  load(userId: string): E[];
  /** Appends (and persists) a new entry; the store flushes when it wants to. */
  add(entry: E): void;
  update(clientId: string, patch: Partial<E>): void;
  /** Removes the entries the predicate names (delivered by another path, discarded, cancelled). */
  drop(predicate: (entry: E) => boolean): void;
  /** Sends what waits, one at a time in order; while a flush runs, returns that flush. */
  flush(): Promise<void>;
  /** A failed entry, on the user's request: waiting again, resent with its clientId. */
  retry(clientId: string): void;
  /** Runs `onRetryDue` after delayMs, unless a retry is already scheduled. */
  scheduleRetry(delayMs: number): void;
  /** Forgets a scheduled retry (sign-out). */
  stop(): void;
};

/** When a refusal names no wait (an older server). */
export const RETRY_PAUSE_MS = 1_000;

export function createOutbox<E extends OutboxEntry, R extends object>(options: OutboxOptions<E, R>): Outbox<E> {
  let isFlushing = false;
  let running: Promise<void> = Promise.resolve();
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const setEntries = (entries: E[]) => {
    options.setEntries(entries);
    const userId = options.userId();
    if (userId !== undefined) writeStored(options.storagePrefix + userId, entries);
  };
  const update = (clientId: string, patch: Partial<E>) =>
    setEntries(options.entries().map((entry) => (entry.clientId === clientId ? { ...entry, ...patch } : entry)));
  // The fields every entry has; E's own fields are never touched here, so the spread stays an E.
  const mark = (clientId: string, patch: Partial<OutboxEntry>) =>
    setEntries(options.entries().map((entry) => (entry.clientId === clientId ? ({ ...entry, ...patch } as E) : entry)));
  const drop = (predicate: (entry: E) => boolean) => {
    const entries = options.entries();
    if (entries.some(predicate)) setEntries(entries.filter((entry) => !predicate(entry)));
  };

  const sendWaiting = async (socket: KringSocket) => {
    // One at a time, in the order added, so a circle sees messages in the order they were typed.
    for (;;) {
      const entry = options.entries().find((candidate) => candidate.status === "waiting");
      if (!entry || !socket.connected) return;
      mark(entry.clientId, { status: "sending", wasSent: true });
      let answer: Ack<R>;
      try {
        answer = await options.emit(socket.timeout(ACK_TIMEOUT_MS), entry);
      } catch {
        // No ack in time: maybe stored, maybe not. It stays queued and the same clientId makes the
        // resend safe; the screens say it is not out yet rather than that it arrived.
        mark(entry.clientId, { status: "waiting", retry: "busy" });
        outbox.scheduleRetry(options.retryAfterTimeoutMs);
        return;
      }
      if (answer.ok) {
        // The store first (it may act on the entry, e.g. cancel a Help taken back), then the drop.
        options.accept(entry, answer);
        drop((candidate) => candidate.clientId === entry.clientId);
      } else if (answer.error.code === "unavailable" || answer.error.code === "rate_limited") {
        // Busy, restarting or over the limit. It may even be stored already (answered at the
        // server's deadline): the resend after the wait the server asked for gets it back. A
        // reconnect in between flushes sooner.
        mark(entry.clientId, { status: "waiting", retry: "busy" });
        outbox.scheduleRetry(answer.error.retryAfterMs ?? RETRY_PAUSE_MS);
        return;
      } else {
        // A definitive refusal (forbidden, validation…): resending would get the same answer.
        mark(entry.clientId, { status: "failed", errorCode: answer.error.code });
      }
    }
  };

  const outbox: Outbox<E> = {
    load(userId) {
      const entries =
        readStored(options.storagePrefix + userId, (value) => {
          if (!Array.isArray(value)) return undefined;
          return value.flatMap((item: unknown): E[] => {
            if (typeof item !== "object" || item === null) return [];
            const record = item as Record<string, unknown>;
            if (typeof record.clientId !== "string") return [];
            const entry = options.parseEntry(record as Record<string, unknown> & { clientId: string });
            return entry ? [entry] : [];
          });
        }) ?? [];
      // "sending" when the page closed means "unknown": resending with the same clientId is safe.
      return entries.map((entry) => (entry.status === "sending" ? { ...entry, status: "waiting" } : entry));
    },

    add(entry) {
      setEntries([...options.entries(), entry]);
    },

    update,
    drop,

    flush() {
      if (isFlushing) return running;
      const socket = currentSocket();
      if (!socket?.connected) return Promise.resolve();
      // Set before the first emit, so a flush asked for meanwhile never starts a second loop.
      isFlushing = true;
      running = sendWaiting(socket).finally(() => {
        isFlushing = false;
      });
      return running;
    },

    retry(clientId) {
      mark(clientId, { status: "waiting", errorCode: undefined });
      void outbox.flush();
    },

    scheduleRetry(delayMs) {
      if (retryTimer !== undefined) return;
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        if (options.onRetryDue) options.onRetryDue();
        else void outbox.flush();
      }, delayMs);
    },

    stop() {
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      retryTimer = undefined;
    },
  };
  return outbox;
}
