import type { Message, MessageThread, TypingEvent } from "@kring/protocol";
import { create } from "zustand";
import { api } from "../../lib/api";
import { MessagesResponse } from "../../lib/answer-shapes";
import { createClientId } from "../../lib/client-id";
import { HISTORY_LIMIT_DEFAULT, HISTORY_LIMIT_MAX } from "../../lib/protocol-constants";
import { createOutbox, RETRY_PAUSE_MS, type OutboxEntry, type OutboxEntryStatus } from "../../lib/outbox";
import { ACK_TIMEOUT_MS, currentSocket } from "../../lib/socket";

// What the user typed is never lost: every message goes into the persisted outbox (lib/outbox.ts,
// shared with the resident's Help) first, with its clientId, is sent when the socket is connected,
// and leaves the outbox only when the server's ack (or the same message coming back by sync or
// message:new) proves it is stored. Resending with the same clientId is idempotent on the server,
// so a retry can never make a duplicate.

type OutboxStatus = OutboxEntryStatus;

export type OutboxItem = OutboxEntry & {
  circleId: string;
  /** Absent in outboxes saved before the team thread: those are "circle". */
  thread?: MessageThread;
  senderId: string;
  body: string;
  createdAt: string;
};

type CircleMessages = {
  /** Ascending by seq, unique by id. */
  messages: Message[];
  /** Everything up to this seq is here without gaps: message:sync resumes from it. */
  syncedSeq: number;
  hasOlder: boolean;
  loadState: "loading" | "loaded" | "failed";
  isLoadingOlder: boolean;
  readSeqSent: number;
};

type TypingEntry = { userId: string; name: string; until: number };

/**
 * Where a conversation lives in `byCircle` and `typingByCircle`: the circle thread under the circle's
 * id (as before the team thread existed), the care team's under `<circleId>:team`.
 */
export function conversationKey(circleId: string, thread: MessageThread = "circle"): string {
  return thread === "team" ? `${circleId}:team` : circleId;
}

function parseConversationKey(key: string): { circleId: string; thread: MessageThread } {
  const [circleId = key, suffix] = key.split(":");
  return { circleId, thread: suffix === "team" ? "team" : "circle" };
}

type MessagesState = {
  userId: string | undefined;
  /** By conversationKey(circleId, thread). */
  byCircle: Record<string, CircleMessages>;
  outbox: OutboxItem[];
  /** By conversationKey(circleId, thread). */
  typingByCircle: Record<string, TypingEntry[]>;
  /** Loads this user's persisted outbox; called once per sign-in. */
  start(userId: string): void;
  loadLatest(circleId: string, thread?: MessageThread): Promise<void>;
  loadOlder(circleId: string, thread?: MessageThread): Promise<void>;
  receive(messages: Message | Message[]): void;
  send(circleId: string, body: string, thread?: MessageThread): OutboxItem | undefined;
  flushOutbox(): Promise<void>;
  retry(clientId: string): void;
  discard(clientId: string): void;
  syncAll(): Promise<void>;
  markRead(circleId: string, thread?: MessageThread): void;
  notifyTyping(circleId: string, thread?: MessageThread): void;
  receiveTyping(event: TypingEvent): void;
  reset(): void;
};

const TYPING_SHOWN_MS = 5_000;
const TYPING_SEND_EVERY_MS = 2_000;
const RETRY_AFTER_TIMEOUT_MS = 3_000;
/** Sync pages refused as `unavailable` are asked again this often before waiting for the next connect. */
const SYNC_ATTEMPTS = 5;

/** One message of a persisted outbox (`kring.outbox.<userId>`); anything else in the list is dropped. */
function parseOutboxItem(r: Record<string, unknown> & { clientId: string }): OutboxItem | undefined {
  if (typeof r.circleId !== "string" || typeof r.body !== "string") return undefined;
  if (typeof r.senderId !== "string" || typeof r.createdAt !== "string") return undefined;
  // "sending" when the page closed means "unknown": resending with the same clientId is safe.
  const status: OutboxStatus = r.status === "failed" ? "failed" : "waiting";
  const thread: MessageThread = r.thread === "team" ? "team" : "circle";
  return { clientId: r.clientId, circleId: r.circleId, thread, senderId: r.senderId, body: r.body, createdAt: r.createdAt, status };
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

const lastTypingSentAt = new Map<string, number>();

export const useMessagesStore = create<MessagesState>()((set, get) => {
  const outbox = createOutbox<OutboxItem, { message: Message }>({
    storagePrefix: "kring.outbox.",
    parseEntry: parseOutboxItem,
    userId: () => get().userId,
    entries: () => get().outbox,
    setEntries: (items) => set({ outbox: items }),
    emit: (socket, item) =>
      socket.emitWithAck("message:send", {
        circleId: item.circleId,
        clientId: item.clientId,
        body: item.body,
        ...threadField(item.thread ?? "circle"),
      }),
    // Shown in its conversation at once; receive also drops the item (it is the sender's own).
    accept: (_item, answer) => get().receive(answer.message),
    retryAfterTimeoutMs: RETRY_AFTER_TIMEOUT_MS,
  });

  return {
    userId: undefined,
    byCircle: {},
    outbox: [],
    typingByCircle: {},

    start(userId) {
      if (get().userId === userId) return;
      set({ userId, byCircle: {}, typingByCircle: {}, outbox: outbox.load(userId) });
    },

    async loadLatest(circleId, thread = "circle") {
      const key = conversationKey(circleId, thread);
      set((state) => ({
        byCircle: { ...state.byCircle, [key]: { ...(state.byCircle[key] ?? emptyCircle()), loadState: "loading" } },
      }));
      try {
        const { messages } = await api.get(
          `/api/circles/${circleId}/messages?limit=${HISTORY_LIMIT_DEFAULT}${threadQuery(thread)}`,
          MessagesResponse,
        );
        set((state) => {
          const current = state.byCircle[key] ?? emptyCircle();
          const merged = mergeMessages(current.messages, messages);
          const newest = messages.at(-1)?.seq ?? 0;
          return {
            byCircle: {
              ...state.byCircle,
              [key]: {
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
        removeDelivered(get, outbox.drop, messages);
      } catch (error) {
        set((state) => ({
          byCircle: { ...state.byCircle, [key]: { ...(state.byCircle[key] ?? emptyCircle()), loadState: "failed" } },
        }));
        throw error;
      }
    },

    async loadOlder(circleId, thread = "circle") {
      const key = conversationKey(circleId, thread);
      const current = get().byCircle[key];
      const firstSeq = current?.messages[0]?.seq;
      if (!current || firstSeq === undefined || current.isLoadingOlder) return;
      const patch = (p: Partial<CircleMessages>) =>
        set((state) => {
          const existing = state.byCircle[key];
          return existing ? { byCircle: { ...state.byCircle, [key]: { ...existing, ...p } } } : {};
        });
      patch({ isLoadingOlder: true });
      try {
        const { messages } = await api.get(
          `/api/circles/${circleId}/messages?beforeSeq=${firstSeq}&limit=${HISTORY_LIMIT_DEFAULT}${threadQuery(thread)}`,
          MessagesResponse,
        );
        const existing = get().byCircle[key];
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
          const key = conversationKey(message.circleId, message.thread);
          const current = byCircle[key];
          // A conversation nobody opened yet gets its history from REST when opened.
          if (!current) continue;
          const merged = mergeMessages(current.messages, [message]);
          byCircle[key] = { ...current, messages: merged, syncedSeq: advanceSyncedSeq(merged, current.syncedSeq) };
        }
        const typingByCircle = { ...state.typingByCircle };
        for (const message of messages) {
          const key = conversationKey(message.circleId, message.thread);
          const typing = typingByCircle[key];
          if (typing) typingByCircle[key] = typing.filter((entry) => entry.userId !== message.senderId);
        }
        return { byCircle, typingByCircle };
      });
      removeDelivered(get, outbox.drop, messages);
    },

    send(circleId, body, thread = "circle") {
      const { userId } = get();
      const text = body.trim();
      if (userId === undefined || text === "") return undefined;
      const item: OutboxItem = {
        clientId: createClientId(),
        circleId,
        thread,
        senderId: userId,
        body: text,
        createdAt: new Date().toISOString(),
        status: "waiting",
      };
      outbox.add(item);
      lastTypingSentAt.delete(conversationKey(circleId, thread));
      void get().flushOutbox();
      return item;
    },

    flushOutbox() {
      return outbox.flush();
    },

    retry(clientId) {
      outbox.retry(clientId);
    },

    discard(clientId) {
      // Not while it is on its way: the ack decides its fate.
      outbox.drop((item) => item.clientId === clientId && item.status !== "sending");
    },

    async syncAll() {
      const socket = currentSocket();
      if (!socket) return;
      for (const [key, circle] of Object.entries(get().byCircle)) {
        if (circle.loadState !== "loaded") continue;
        const { circleId, thread } = parseConversationKey(key);
        let afterSeq = circle.syncedSeq;
        let attempts = 0;
        for (;;) {
          let ack;
          try {
            ack = await socket
              .timeout(ACK_TIMEOUT_MS)
              .emitWithAck("message:sync", { circleId, afterSeq, limit: HISTORY_LIMIT_MAX, ...threadField(thread) });
          } catch {
            return; // disconnected again: the next connect syncs
          }
          if (!ack.ok && ack.error.code === "unavailable" && attempts < SYNC_ATTEMPTS) {
            attempts += 1;
            await sleep(ack.error.retryAfterMs ?? RETRY_PAUSE_MS);
            continue;
          }
          if (!ack.ok) break;
          attempts = 0;
          const { messages } = ack;
          set((state) => {
            const current = state.byCircle[key];
            if (!current) return {};
            const merged = mergeMessages(current.messages, messages);
            const last = messages.at(-1)?.seq ?? afterSeq;
            return {
              byCircle: {
                ...state.byCircle,
                [key]: { ...current, messages: merged, syncedSeq: advanceSyncedSeq(merged, Math.max(current.syncedSeq, last)) },
              },
            };
          });
          removeDelivered(get, outbox.drop, messages);
          const last = messages.at(-1);
          if (!ack.hasMore || !last) break;
          afterSeq = last.seq;
        }
      }
    },

    markRead(circleId, thread = "circle") {
      const key = conversationKey(circleId, thread);
      const circle = get().byCircle[key];
      const newest = circle?.messages.at(-1)?.seq;
      const socket = currentSocket();
      if (!circle || newest === undefined || newest <= circle.readSeqSent || !socket?.connected) return;
      set((state) => {
        const current = state.byCircle[key];
        return current ? { byCircle: { ...state.byCircle, [key]: { ...current, readSeqSent: newest } } } : {};
      });
      // Not marked (no answer, or refused while the server is busy): the next render tries again.
      const allowRetry = () =>
        set((state) => {
          const current = state.byCircle[key];
          return current ? { byCircle: { ...state.byCircle, [key]: { ...current, readSeqSent: 0 } } } : {};
        });
      void socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck("message:read", { circleId, seq: newest, ...threadField(thread) })
        .then((ack) => {
          if (!ack.ok && (ack.error.code === "unavailable" || ack.error.code === "rate_limited")) allowRetry();
        }, allowRetry);
    },

    notifyTyping(circleId, thread = "circle") {
      const socket = currentSocket();
      const now = Date.now();
      const key = conversationKey(circleId, thread);
      if (!socket?.connected || now - (lastTypingSentAt.get(key) ?? 0) < TYPING_SEND_EVERY_MS) return;
      lastTypingSentAt.set(key, now);
      socket.emit("typing", { circleId, ...threadField(thread) });
    },

    receiveTyping(event) {
      if (event.userId === get().userId) return;
      const until = Date.now() + TYPING_SHOWN_MS;
      const key = conversationKey(event.circleId, event.thread);
      set((state) => ({
        typingByCircle: {
          ...state.typingByCircle,
          [key]: [
            ...(state.typingByCircle[key] ?? []).filter((entry) => entry.userId !== event.userId),
            { userId: event.userId, name: event.name, until },
          ],
        },
      }));
      setTimeout(() => {
        set((state) => {
          const entries = state.typingByCircle[key];
          if (!entries) return {};
          return { typingByCircle: { ...state.typingByCircle, [key]: entries.filter((e) => e.until > Date.now()) } };
        });
      }, TYPING_SHOWN_MS + 50);
    },

    reset() {
      outbox.stop();
      lastTypingSentAt.clear();
      set({ userId: undefined, byCircle: {}, outbox: [], typingByCircle: {} });
    },
  };
});

/** Drops outbox items whose message the server has shown us (ack, sync, history or another device). */
function removeDelivered(
  get: () => MessagesState,
  drop: (predicate: (item: OutboxItem) => boolean) => void,
  messages: Message[],
): void {
  const { userId, outbox } = get();
  if (outbox.length === 0) return;
  const delivered = new Set(messages.filter((m) => m.senderId === userId).map((m) => m.clientId));
  if (delivered.size === 0) return;
  drop((item) => delivered.has(item.clientId));
}

/** What a conversation shows: stored messages, then what is still in the outbox for that circle thread. */
export function selectOutboxFor(outbox: OutboxItem[], circleId: string, thread: MessageThread = "circle"): OutboxItem[] {
  return outbox.filter((item) => item.circleId === circleId && (item.thread ?? "circle") === thread);
}

/** The thread on the wire only when it is not the default, so older servers keep taking circle events. */
function threadField(thread: MessageThread): { thread?: "team" } {
  return thread === "team" ? { thread: "team" } : {};
}

function threadQuery(thread: MessageThread): string {
  return thread === "team" ? "&thread=team" : "";
}
