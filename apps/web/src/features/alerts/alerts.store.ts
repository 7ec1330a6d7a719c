import { AlertsResponse, type Alert, type AlertKind, type Notification } from "@kring/protocol";
import { create } from "zustand";
import { api } from "../../lib/api";
import { createClientId } from "../../lib/client-id";
import { ACK_TIMEOUT_MS, currentSocket } from "../../lib/socket";
import { readStored, writeStored } from "../../lib/storage";

// A resident's "I need help" must never be lost: like messages, a raise goes into a persisted
// queue with its clientId and is sent (idempotently) as soon as the socket is connected.

export type RaisableKind = Extract<AlertKind, "help" | "call_me">;

export type PendingRaise = {
  clientId: string;
  circleId: string;
  kind: RaisableKind;
  raisedBy: string;
  createdAt: string;
  status: "waiting" | "sending" | "failed";
};

export type CheckinState = { status: "idle" | "waiting" | "sending" | "done" | "failed"; circleId?: string; at?: string };

type LoadState = "idle" | "loading" | "loaded" | "failed";

type AlertsState = {
  userId: string | undefined;
  alertsById: Record<string, Alert>;
  inboxState: LoadState;
  pendingRaises: PendingRaise[];
  /** In-app pages (`notification` events) not yet dismissed. */
  notices: Notification[];
  checkin: CheckinState;
  start(userId: string): void;
  loadCircleAlerts(circleId: string): Promise<void>;
  upsert(alert: Alert | Alert[]): void;
  raise(circleId: string, kind: RaisableKind): PendingRaise | undefined;
  flushPending(): Promise<void>;
  checkIn(circleId: string): Promise<void>;
  addNotice(notification: Notification): void;
  reset(): void;
};

function pendingKey(userId: string): string {
  return `kring.pending-alerts.${userId}`;
}

function parsePending(value: unknown): PendingRaise[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.flatMap((item: unknown): PendingRaise[] => {
    if (typeof item !== "object" || item === null) return [];
    const r = item as Record<string, unknown>;
    if (typeof r.clientId !== "string" || typeof r.circleId !== "string" || typeof r.raisedBy !== "string") return [];
    if (r.kind !== "help" && r.kind !== "call_me") return [];
    return [
      {
        clientId: r.clientId,
        circleId: r.circleId,
        kind: r.kind,
        raisedBy: r.raisedBy,
        createdAt: typeof r.createdAt === "string" ? r.createdAt : new Date().toISOString(),
        status: "waiting",
      },
    ];
  });
}

/** Alerts are event-sourced on the server: the version with the longer history is the newer one. */
function isNewer(candidate: Alert, existing: Alert | undefined): boolean {
  return existing === undefined || candidate.history.length >= existing.history.length;
}

let isFlushing = false;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
/** When a refusal names no wait (an older server). */
const RETRY_PAUSE_MS = 1_000;

const initial = {
  alertsById: {} as Record<string, Alert>,
  inboxState: "idle" as LoadState,
  pendingRaises: [] as PendingRaise[],
  notices: [] as Notification[],
  checkin: { status: "idle" } as CheckinState,
};

export const useAlertsStore = create<AlertsState>()((set, get) => {
  const setPending = (update: (pending: PendingRaise[]) => PendingRaise[]) => {
    set((state) => ({ pendingRaises: update(state.pendingRaises) }));
    const { userId, pendingRaises } = get();
    if (userId !== undefined) writeStored(pendingKey(userId), pendingRaises);
  };
  const upsertMany = (alerts: Alert[]) => {
    set((state) => {
      const alertsById = { ...state.alertsById };
      for (const alert of alerts) if (isNewer(alert, alertsById[alert.id])) alertsById[alert.id] = alert;
      return { alertsById };
    });
    const raisedClientIds = new Set(alerts.map((a) => a.clientId).filter((id): id is string => id !== null));
    if (get().pendingRaises.some((p) => raisedClientIds.has(p.clientId))) {
      setPending((pending) => pending.filter((p) => !raisedClientIds.has(p.clientId)));
    }
  };

  // A busy server answers `unavailable` (or `rate_limited`) with the wait it wants; the raise stays
  // queued and is resent with the same clientId after that wait (or at the next connect, if sooner).
  const scheduleRetry = (delayMs: number) => {
    if (retryTimer !== undefined) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void get().flushPending();
    }, delayMs);
  };

  return {
    userId: undefined,
    ...initial,

    start(userId) {
      if (get().userId === userId) return;
      set({ userId, ...initial, pendingRaises: readStored(pendingKey(userId), parsePending) ?? [] });
    },

    async loadCircleAlerts(circleId) {
      const { alerts } = await api.get(`/api/circles/${circleId}/alerts`, AlertsResponse);
      upsertMany(alerts);
    },

    upsert(alert) {
      upsertMany(Array.isArray(alert) ? alert : [alert]);
    },

    raise(circleId, kind) {
      const { userId } = get();
      if (userId === undefined) return undefined;
      const pending: PendingRaise = {
        clientId: createClientId(),
        circleId,
        kind,
        raisedBy: userId,
        createdAt: new Date().toISOString(),
        status: "waiting",
      };
      setPending((list) => [...list, pending]);
      void get().flushPending();
      return pending;
    },

    async flushPending() {
      const socket = currentSocket();
      if (isFlushing || !socket?.connected) return;
      isFlushing = true;
      try {
        for (;;) {
          const item = get().pendingRaises.find((p) => p.status === "waiting");
          if (!item || !socket.connected) break;
          setPending((list) => list.map((p) => (p.clientId === item.clientId ? { ...p, status: "sending" } : p)));
          let ack;
          try {
            ack = await socket
              .timeout(ACK_TIMEOUT_MS)
              .emitWithAck("alert:raise", { circleId: item.circleId, kind: item.kind, clientId: item.clientId });
          } catch {
            setPending((list) => list.map((p) => (p.clientId === item.clientId ? { ...p, status: "waiting" } : p)));
            break;
          }
          if (ack.ok) {
            upsertMany([ack.alert]);
          } else {
            const retryLater = ack.error.code === "rate_limited" || ack.error.code === "unavailable";
            setPending((list) =>
              list.map((p) => (p.clientId === item.clientId ? { ...p, status: retryLater ? "waiting" : "failed" } : p)),
            );
            if (retryLater) {
              scheduleRetry(ack.error.retryAfterMs ?? RETRY_PAUSE_MS);
              break;
            }
          }
        }
        const { checkin } = get();
        if (checkin.status === "waiting" && checkin.circleId !== undefined) await get().checkIn(checkin.circleId);
      } finally {
        isFlushing = false;
      }
    },

    async checkIn(circleId) {
      const socket = currentSocket();
      if (!socket?.connected) {
        // Sent when the connection is back (flushPending runs on every connect).
        set({ checkin: { status: "waiting", circleId } });
        return;
      }
      set({ checkin: { status: "sending", circleId } });
      try {
        const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("checkin:ok", { circleId });
        if (ack.ok) {
          set({ checkin: { status: "done", circleId, at: ack.checkin.at } });
        } else if (ack.error.code === "unavailable" || ack.error.code === "rate_limited") {
          set({ checkin: { status: "waiting", circleId } });
          scheduleRetry(ack.error.retryAfterMs ?? RETRY_PAUSE_MS);
        } else {
          set({ checkin: { status: "failed", circleId } });
        }
      } catch {
        set({ checkin: { status: "waiting", circleId } });
      }
    },

    addNotice(notification) {
      set((state) => ({ notices: [...state.notices.filter((n) => n.id !== notification.id), notification].slice(-5) }));
    },

    reset() {
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      retryTimer = undefined;
      set({ userId: undefined, ...initial });
    },
  };
});

const ACTIVE_STATUSES = new Set<Alert["status"]>(["open", "claimed", "unanswered"]);

export function isActiveAlert(alert: Alert): boolean {
  return ACTIVE_STATUSES.has(alert.status);
}

/**
 * What the resident sees for one kind: the newest active alert they raised in this circle, or the
 * raise still waiting to be sent.
 */
export function selectResidentAlert(
  state: Pick<AlertsState, "alertsById" | "pendingRaises" | "userId">,
  circleId: string,
  kind: RaisableKind,
): { pending: PendingRaise | undefined; alert: Alert | undefined } {
  const pending = state.pendingRaises.find((p) => p.circleId === circleId && p.kind === kind);
  const alert = Object.values(state.alertsById)
    .filter((a) => a.circleId === circleId && a.kind === kind && a.raisedBy === state.userId && isActiveAlert(a))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  return { pending, alert };
}
