import { HISTORY_LIMIT_DEFAULT, HISTORY_LIMIT_MAX, MessagesResponse, type Message, type TypingEvent } from "@kring/protocol";
import { create } from "zustand";
import { api } from "../../lib/api";
import { createClientId } from "../../lib/client-id";
import { ACK_TIMEOUT_MS, currentSocket } from "../../lib/socket";
import { readStored, writeStored } from "../../lib/storage";

// What the user typed is never lost: every message goes into a persisted outbox first (with its
// clientId), is sent when the socket is connected, and leaves the outbox only when the server's
// ack (or the same message coming back by sync or message:new) proves it is stored. Resending
// with the same clientId is idempotent on the server, so a retry can never make a duplicate.

export type OutboxStatus = "waiting" | "sending" | "failed";

export type OutboxItem = {
  clientId: string;
  circleId: string;
  senderId: string;
  body: string;
  createdAt: string;
  status: OutboxStatus;
  errorCode?: string;
};

export type CircleMessages = {
  /** Ascending by seq, unique by id. */
  messages: Message[];
  /** Everything up to this seq is here without gaps: message:sync resumes from it. */
  syncedSeq: number;
  hasOlder: boolean;
  loadState: "loading" | "loaded" | "failed";
  isLoadingOlder: boolean;
  readSeqSent: number;
};

export type TypingEntry = { userId: string; name: string; until: number };

type MessagesState = {
  userId: string | undefined;
  byCircle: Record<string, CircleMessages>;
  outbox: OutboxItem[];
  typingByCircle: Record<string, TypingEntry[]>;
  /** Loads this user's persisted outbox; called once per sign-in. */
  start(userId: string): void;
  loadLatest(circleId: string): Promise<void>;
  loadOlder(circleId: string): Promise<void>;
  receive(messages: Message | Message[]): void;
  send(circleId: string, body: string): OutboxItem | undefined;
  flushOutbox(): Promise<void>;
  retry(clientId: string): void;
  discard(clientId: string): void;
  syncAll(): Promise<void>;
  markRead(circleId: string): void;
  notifyTyping(circleId: string): void;
  receiveTyping(event: TypingEvent): void;
  reset(): void;
};

const TYPING_SHOWN_MS = 5_000;
const TYPING_SEND_EVERY_MS = 2_000;
const RATE_LIMIT_PAUSE_MS = 1_000;
const RETRY_AFTER_TIMEOUT_MS = 3_000;
/** When an `unavailable` answer names no wait (an older server). */
const UNAVAILABLE_PAUSE_MS = 1_000;
/** Sync pages refused as `unavailable` are asked again this often before waiting for the next connect. */
const SYNC_ATTEMPTS = 5;

function outboxKey(userId: string): string {
  return `kring.outbox.${userId}`;
}

function parseOutbox(value: unknown): OutboxItem[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.flatMap((item: unknown): OutboxItem[] => {
    if (typeof item !== "object" || item === null) return [];
    const r = item as Record<string, unknown>;
    if (typeof r.clientId !== "string" || typeof r.circleId !== "string" || typeof r.body !== "string") return [];
    if (typeof r.senderId !== "string" || typeof r.createdAt !== "string") return [];
    // "sending" when the page closed means "unknown": resending with the same clientId is safe.
    const status: OutboxStatus = r.status === "failed" ? "failed" : "waiting";
    return [{ clientId: r.clientId, circleId: r.circleId, senderId: r.senderId, body: r.body, createdAt: r.createdAt, status }];
  });
}

/** Merges by id and keeps seq order; the same message arriving by ack, message:new and sync shows once. */
export function mergeMessages(existing: Message[], incoming: Message[]): Message[] {
  if (incoming.length === 0) return existing;
  const byId = new Map(existing.map((m) => [m.id, m]));
  let changed = false;
  for (const message of incoming) {
    if (!byId.has(message.id)) {
      byId.set(message.id, message);
      changed = true;
    }
  }
  if (!changed) return existing;
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

/** Moves syncedSeq forward over messages that follow it without a gap. */
export function advanceSyncedSeq(messages: Message[], syncedSeq: number): number {
  const seqs = new Set(messages.map((m) => m.seq));
  let seq = syncedSeq;
  while (seqs.has(seq + 1)) seq += 1;
  return seq;
}

function emptyCircle(): CircleMessages {
  return { messages: [], syncedSeq: 0, hasOlder: false, loadState: "loading", isLoadingOlder: false, readSeqSent: 0 };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let isFlushing = false;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
const lastTypingSentAt = new Map<string, number>();

export const useMessagesStore = create<MessagesState>()((set, get) => {
  const setOutbox = (update: (outbox: OutboxItem[]) => OutboxItem[]) => {
    set((state) => ({ outbox: update(state.outbox) }));
    const { userId, outbox } = get();
    if (userId !== undefined) writeStored(outboxKey(userId), outbox);
  };
  const updateItem = (clientId: string, patch: Partial<OutboxItem>) =>
    setOutbox((outbox) => outbox.map((item) => (item.clientId === clientId ? { ...item, ...patch } : item)));

  const scheduleRetry = (delayMs: number) => {
    if (retryTimer !== undefined) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void get().flushOutbox();
    }, delayMs);
  };

  return {
    userId: undefined,
    byCircle: {},
    outbox: [],
    typingByCircle: {},

    start(userId) {
      if (get().userId === userId) return;
      set({ userId, byCircle: {}, typingByCircle: {}, outbox: readStored(outboxKey(userId), parseOutbox) ?? [] });
    },

    async loadLatest(circleId) {
      set((state) => ({
        byCircle: { ...state.byCircle, [circleId]: { ...(state.byCircle[circleId] ?? emptyCircle()), loadState: "loading" } },
      }));
      try {
        const { messages } = await api.get(`/api/circles/${circleId}/messages?limit=${HISTORY_LIMIT_DEFAULT}`, MessagesResponse);
        set((state) => {
          const current = state.byCircle[circleId] ?? emptyCircle();
          const merged = mergeMessages(current.messages, messages);
          const newest = messages.at(-1)?.seq ?? 0;
          return {
            byCircle: {
              ...state.byCircle,
              [circleId]: {
                ...current,
                messages: merged,
                // The newest page is contiguous up to the newest message at the time of the call.
                syncedSeq: advanceSyncedSeq(merged, Math.max(current.syncedSeq, newest)),
                hasOlder: messages.length === HISTORY_LIMIT_DEFAULT && (messages[0]?.seq ?? 1) > 1,
                loadState: "loaded",
              },
            },
          };
        });
        removeDelivered(get, setOutbox, messages);
      } catch (error) {
        set((state) => ({
          byCircle: { ...state.byCircle, [circleId]: { ...(state.byCircle[circleId] ?? emptyCircle()), loadState: "failed" } },
        }));
        throw error;
      }
    },

    async loadOlder(circleId) {
      const current = get().byCircle[circleId];
      const firstSeq = current?.messages[0]?.seq;
      if (!current || firstSeq === undefined || current.isLoadingOlder) return;
      const patch = (p: Partial<CircleMessages>) =>
        set((state) => {
          const existing = state.byCircle[circleId];
          return existing ? { byCircle: { ...state.byCircle, [circleId]: { ...existing, ...p } } } : {};
        });
      patch({ isLoadingOlder: true });
      try {
        const { messages } = await api.get(
          `/api/circles/${circleId}/messages?beforeSeq=${firstSeq}&limit=${HISTORY_LIMIT_DEFAULT}`,
          MessagesResponse,
        );
        const existing = get().byCircle[circleId];
        patch({
          messages: mergeMessages(existing?.messages ?? [], messages),
          hasOlder: messages.length === HISTORY_LIMIT_DEFAULT && (messages[0]?.seq ?? 1) > 1,
          isLoadingOlder: false,
        });
      } catch (error) {
        patch({ isLoadingOlder: false });
        throw error;
      }
    },

    receive(incoming) {
      const messages = Array.isArray(incoming) ? incoming : [incoming];
      if (messages.length === 0) return;
      set((state) => {
        const byCircle = { ...state.byCircle };
        for (const message of messages) {
          const current = byCircle[message.circleId];
          // A circle nobody opened yet gets its history from REST when opened.
          if (!current) continue;
          const merged = mergeMessages(current.messages, [message]);
          byCircle[message.circleId] = { ...current, messages: merged, syncedSeq: advanceSyncedSeq(merged, current.syncedSeq) };
        }
        const typingByCircle = { ...state.typingByCircle };
        for (const message of messages) {
          const typing = typingByCircle[message.circleId];
          if (typing) typingByCircle[message.circleId] = typing.filter((entry) => entry.userId !== message.senderId);
        }
        return { byCircle, typingByCircle };
      });
      removeDelivered(get, setOutbox, messages);
    },

    send(circleId, body) {
      const { userId } = get();
      const text = body.trim();
      if (userId === undefined || text === "") return undefined;
      const item: OutboxItem = {
        clientId: createClientId(),
        circleId,
        senderId: userId,
        body: text,
        createdAt: new Date().toISOString(),
        status: "waiting",
      };
      setOutbox((outbox) => [...outbox, item]);
      lastTypingSentAt.delete(circleId);
      void get().flushOutbox();
      return item;
    },

    async flushOutbox() {
      if (isFlushing) return;
      const socket = currentSocket();
      if (!socket?.connected) return;
      isFlushing = true;
      try {
        // One at a time, in the order typed, so the circle sees them in that order.
        for (;;) {
          const item = get().outbox.find((candidate) => candidate.status === "waiting");
          if (!item || !socket.connected) break;
          updateItem(item.clientId, { status: "sending" });
          let ack;
          try {
            ack = await socket
              .timeout(ACK_TIMEOUT_MS)
              .emitWithAck("message:send", { circleId: item.circleId, clientId: item.clientId, body: item.body });
          } catch {
            // No ack in time: maybe stored, maybe not. The same clientId makes the retry safe.
            updateItem(item.clientId, { status: "waiting" });
            scheduleRetry(RETRY_AFTER_TIMEOUT_MS);
            break;
          }
          if (ack.ok) {
            get().receive(ack.message);
          } else if (ack.error.code === "rate_limited") {
            updateItem(item.clientId, { status: "waiting" });
            await sleep(ack.error.retryAfterMs ?? RATE_LIMIT_PAUSE_MS);
          } else if (ack.error.code === "unavailable") {
            // Busy or restarting. It may even be stored already (answered at the server's deadline):
            // the resend with the same clientId, after the wait the server asked for, gets it back.
            // A reconnect in between flushes sooner.
            updateItem(item.clientId, { status: "waiting" });
            scheduleRetry(ack.error.retryAfterMs ?? UNAVAILABLE_PAUSE_MS);
            break;
          } else {
            updateItem(item.clientId, { status: "failed", errorCode: ack.error.code });
          }
        }
      } finally {
        isFlushing = false;
      }
    },

    retry(clientId) {
      updateItem(clientId, { status: "waiting", errorCode: undefined });
      void get().flushOutbox();
    },

    discard(clientId) {
      setOutbox((outbox) => outbox.filter((item) => item.clientId !== clientId || item.status === "sending"));
    },

    async syncAll() {
      const socket = currentSocket();
      if (!socket) return;
      for (const [circleId, circle] of Object.entries(get().byCircle)) {
        if (circle.loadState !== "loaded") continue;
        let afterSeq = circle.syncedSeq;
        let attempts = 0;
        for (;;) {
          let ack;
          try {
            ack = await socket
              .timeout(ACK_TIMEOUT_MS)
              .emitWithAck("message:sync", { circleId, afterSeq, limit: HISTORY_LIMIT_MAX });
          } catch {
            return; // disconnected again: the next connect syncs
          }
          if (!ack.ok && ack.error.code === "unavailable" && attempts < SYNC_ATTEMPTS) {
            attempts += 1;
            await sleep(ack.error.retryAfterMs ?? UNAVAILABLE_PAUSE_MS);
            continue;
          }
          if (!ack.ok) break;
          attempts = 0;
          const { messages } = ack;
          set((state) => {
            const current = state.byCircle[circleId];
            if (!current) return {};
            const merged = mergeMessages(current.messages, messages);
            const last = messages.at(-1)?.seq ?? afterSeq;
            return {
              byCircle: {
                ...state.byCircle,
                [circleId]: { ...current, messages: merged, syncedSeq: advanceSyncedSeq(merged, Math.max(current.syncedSeq, last)) },
              },
            };
          });
          removeDelivered(get, setOutbox, messages);
          const last = messages.at(-1);
          if (!ack.hasMore || !last) break;
          afterSeq = last.seq;
        }
      }
    },

    markRead(circleId) {
      const circle = get().byCircle[circleId];
      const newest = circle?.messages.at(-1)?.seq;
      const socket = currentSocket();
      if (!circle || newest === undefined || newest <= circle.readSeqSent || !socket?.connected) return;
      set((state) => {
        const current = state.byCircle[circleId];
        return current ? { byCircle: { ...state.byCircle, [circleId]: { ...current, readSeqSent: newest } } } : {};
      });
      // Not marked (no answer, or refused while the server is busy): the next render tries again.
      const allowRetry = () =>
        set((state) => {
          const current = state.byCircle[circleId];
          return current ? { byCircle: { ...state.byCircle, [circleId]: { ...current, readSeqSent: 0 } } } : {};
        });
      void socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck("message:read", { circleId, seq: newest })
        .then((ack) => {
          if (!ack.ok && (ack.error.code === "unavailable" || ack.error.code === "rate_limited")) allowRetry();
        }, allowRetry);
    },

    notifyTyping(circleId) {
      const socket = currentSocket();
      const now = Date.now();
      if (!socket?.connected || now - (lastTypingSentAt.get(circleId) ?? 0) < TYPING_SEND_EVERY_MS) return;
      lastTypingSentAt.set(circleId, now);
      socket.emit("typing", { circleId });
    },

    receiveTyping(event) {
      if (event.userId === get().userId) return;
      const until = Date.now() + TYPING_SHOWN_MS;
      set((state) => ({
        typingByCircle: {
          ...state.typingByCircle,
          [event.circleId]: [
            ...(state.typingByCircle[event.circleId] ?? []).filter((entry) => entry.userId !== event.userId),
            { userId: event.userId, name: event.name, until },
          ],
        },
      }));
      setTimeout(() => {
        set((state) => {
          const entries = state.typingByCircle[event.circleId];
          if (!entries) return {};
          return { typingByCircle: { ...state.typingByCircle, [event.circleId]: entries.filter((e) => e.until > Date.now()) } };
        });
      }, TYPING_SHOWN_MS + 50);
    },

    reset() {
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      retryTimer = undefined;
      lastTypingSentAt.clear();
      set({ userId: undefined, byCircle: {}, outbox: [], typingByCircle: {} });
    },
  };
});

/** Drops outbox items whose message the server has shown us (ack, sync, history or another device). */
function removeDelivered(
  get: () => MessagesState,
  setOutbox: (update: (outbox: OutboxItem[]) => OutboxItem[]) => void,
  messages: Message[],
): void {
  const { userId, outbox } = get();
  if (outbox.length === 0) return;
  const delivered = new Set(messages.filter((m) => m.senderId === userId).map((m) => m.clientId));
  if (delivered.size === 0) return;
  if (!outbox.some((item) => delivered.has(item.clientId))) return;
  setOutbox((items) => items.filter((item) => !delivered.has(item.clientId)));
}

/** What a conversation shows: stored messages, then what is still in the outbox for that circle. */
export function selectOutboxFor(outbox: OutboxItem[], circleId: string): OutboxItem[] {
  return outbox.filter((item) => item.circleId === circleId);
}
