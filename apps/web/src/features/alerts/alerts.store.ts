import type { Alert, AlertKind, Notification } from "@kring/protocol";
import { create } from "zustand";
import { api } from "../../lib/api";
import { AlertsResponse } from "../../lib/answer-shapes";
import { createClientId } from "../../lib/client-id";
import { createOutbox, RETRY_PAUSE_MS, type OutboxEntry } from "../../lib/outbox";
import { ACK_TIMEOUT_MS, currentSocket } from "../../lib/socket";
import { fetchCheckinToday } from "../../lib/checkins";

// A resident's "I need help" must never be lost: like messages, a raise goes into the persisted
// outbox (lib/outbox.ts) with its clientId and is sent (idempotently) as soon as the socket is
// connected; "being called" shows only once the server's ack (or an alert:update) brought the alert.

export type RaisableKind = Extract<AlertKind, "help" | "call_me">;

/** `retry: "busy"` is why it is not out yet while connected (no ack, or the server asked to wait). */
type PendingRaise = OutboxEntry & {
  circleId: string;
  kind: RaisableKind;
  raisedBy: string;
  createdAt: string;
  /** "I pressed by mistake" came after it may have been stored: cancel it as soon as it is known. */
  isCancelRequested?: boolean;
};

/** What "I pressed by mistake" did, for the words under the Help button. */
type CancelState = {
  status: "idle" | "sending" | "done" | "too_late" | "offline" | "failed";
  circleId?: string;
  kind?: RaisableKind;
};

type CheckinState = { status: "idle" | "waiting" | "sending" | "done" | "failed"; circleId?: string; at?: string };

type LoadState = "idle" | "loading" | "loaded" | "failed";

type AlertsState = {
  userId: string | undefined;
  alertsById: Record<string, Alert>;
  inboxState: LoadState;
  pendingRaises: PendingRaise[];
  /** In-app pages (`notification` events) not yet dismissed. */
  notices: Notification[];
  checkin: CheckinState;
  cancel: CancelState;
  start(userId: string): void;
  loadCircleAlerts(circleId: string): Promise<void>;
  upsert(alert: Alert | Alert[]): void;
  raise(circleId: string, kind: RaisableKind): PendingRaise | undefined;
  flushPending(): Promise<void>;
  checkIn(circleId: string): Promise<void>;
  /** Today's check-in from the server (after a reload the tablet still knows it said "I'm OK"). */
  loadCheckinToday(circleId: string): Promise<void>;
  /** "I pressed by mistake": drops a raise not sent yet, or cancels the stored alert. */
  cancelRaise(circleId: string, kind: RaisableKind): Promise<void>;
  addNotice(notification: Notification): void;
  reset(): void;
};

/** One raise of a persisted queue (`kring.pending-alerts.<userId>`); after a reload every raise is tried again. */
function parsePendingRaise(r: Record<string, unknown> & { clientId: string }): PendingRaise | undefined {
  if (typeof r.circleId !== "string" || typeof r.raisedBy !== "string") return undefined;
  if (r.kind !== "help" && r.kind !== "call_me") return undefined;
  return {
    clientId: r.clientId,
    circleId: r.circleId,
    kind: r.kind,
    raisedBy: r.raisedBy,
    createdAt: typeof r.createdAt === "string" ? r.createdAt : new Date().toISOString(),
    status: "waiting",
    ...(r.wasSent === true ? { wasSent: true } : {}),
    ...(r.isCancelRequested === true ? { isCancelRequested: true } : {}),
  };
}

/** Alerts are event-sourced on the server: the version with the longer history is the newer one. */
function isNewer(candidate: Alert, existing: Alert | undefined): boolean {
  return existing === undefined || candidate.history.length >= existing.history.length;
}

const initial = {
  alertsById: {} as Record<string, Alert>,
  inboxState: "idle" as LoadState,
  pendingRaises: [] as PendingRaise[],
  notices: [] as Notification[],
  checkin: { status: "idle" } as CheckinState,
  cancel: { status: "idle" } as CancelState,
};

export const useAlertsStore = create<AlertsState>()((set, get) => {
  const raises = createOutbox<PendingRaise, { alert: Alert }>({
    storagePrefix: "kring.pending-alerts.",
    parseEntry: parsePendingRaise,
    userId: () => get().userId,
    entries: () => get().pendingRaises,
    setEntries: (pendingRaises) => set({ pendingRaises }),
    emit: (socket, raise) => socket.emitWithAck("alert:raise", { circleId: raise.circleId, kind: raise.kind, clientId: raise.clientId }),
    // upsertMany drops the raise and cancels it if it was taken back meanwhile.
    accept: (_raise, answer) => upsertMany([answer.alert]),
    // Help is urgent: an unanswered raise is tried again sooner than a message.
    retryAfterTimeoutMs: RETRY_PAUSE_MS,
    // A waiting check-in goes out with the retry too.
    onRetryDue: () => void get().flushPending(),
  });
  const upsertMany = (alerts: Alert[]) => {
    set((state) => {
      const alertsById = { ...state.alertsById };
      for (const alert of alerts) if (isNewer(alert, alertsById[alert.id])) alertsById[alert.id] = alert;
      return { alertsById };
    });
    const raisedClientIds = new Set(alerts.map((a) => a.clientId).filter((id): id is string => id !== null));
    const stored = get().pendingRaises.filter((p) => raisedClientIds.has(p.clientId));
    if (stored.length > 0) {
      raises.drop((p) => raisedClientIds.has(p.clientId));
      // Taken back while its fate was unknown: now that the server has it, cancel it (whichever
      // path told us first: the raise's ack, an alert:update or a reload of the circle's alerts).
      for (const raise of stored.filter((p) => p.isCancelRequested)) {
        const alert = alerts.find((a) => a.clientId === raise.clientId);
        if (alert && isActiveAlert(alert)) void cancelAlert(alert);
      }
    }
  };

  const cancelAlert = async (alert: Alert) => {
    const about = { circleId: alert.circleId, kind: alert.kind as RaisableKind };
    const socket = currentSocket();
    if (!socket?.connected) {
      set({ cancel: { status: "offline", ...about } });
      return;
    }
    set({ cancel: { status: "sending", ...about } });
    try {
      const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("alert:cancel", { alertId: alert.id });
      if (ack.ok) {
        upsertMany([ack.alert]);
        set({ cancel: { status: "done", ...about } });
      } else if (ack.error.code === "conflict") {
        // Already resolved (someone was quicker): nothing is being called any more.
        set({ cancel: { status: "done", ...about } });
        void get().loadCircleAlerts(alert.circleId).catch(() => undefined);
      } else {
        set({ cancel: { status: ack.error.code === "forbidden" ? "too_late" : "failed", ...about } });
      }
    } catch {
      set({ cancel: { status: "failed", ...about } });
    }
  };

  return {
    userId: undefined,
    ...initial,

    start(userId) {
      if (get().userId === userId) return;
      set({ userId, ...initial, pendingRaises: raises.load(userId) });
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
      set({ cancel: { status: "idle" } });
      // Pressed again after a refusal: the new press replaces the failed one (a new clientId).
      raises.drop((p) => p.circleId === circleId && p.kind === kind && p.status === "failed");
      raises.add(pending);
      void get().flushPending();
      return pending;
    },

    async flushPending() {
      // The raises first (a flush already running is awaited), then a check-in waiting for the connection.
      await raises.flush();
      const { checkin } = get();
      if (checkin.status === "waiting" && checkin.circleId !== undefined && currentSocket()?.connected) await get().checkIn(checkin.circleId);
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
          raises.scheduleRetry(ack.error.retryAfterMs ?? RETRY_PAUSE_MS);
        } else {
          set({ checkin: { status: "failed", circleId } });
        }
      } catch {
        set({ checkin: { status: "waiting", circleId } });
      }
    },

    async loadCheckinToday(circleId) {
      const { at } = await fetchCheckinToday(circleId);
      // Never overwrite a press in progress; show a stored one after a reload.
      if (at === undefined) return;
      set((state) =>
        state.checkin.status === "idle" || state.checkin.circleId !== circleId ? { checkin: { status: "done", circleId, at } } : {},
      );
    },

    async cancelRaise(circleId, kind) {
      const pending = get().pendingRaises.find((p) => p.circleId === circleId && p.kind === kind);
      if (pending && (!pending.wasSent || pending.status === "failed")) {
        // Never sent (or refused): nobody was called, so dropping it from the queue is the whole cancel.
        raises.drop((p) => p.clientId === pending.clientId);
        set({ cancel: { status: "done", circleId, kind } });
        return;
      }
      if (pending) {
        // Sent without an answer yet: it may be stored. It stays queued (the resend returns the
        // stored alert, or stores it) and is cancelled as soon as the server has acknowledged it.
        raises.update(pending.clientId, { isCancelRequested: true });
        set({ cancel: { status: "sending", circleId, kind } });
        return;
      }
      const { alert } = selectResidentAlert(get(), circleId, kind);
      if (alert) await cancelAlert(alert);
    },

    addNotice(notification) {
      set((state) => ({ notices: [...state.notices.filter((n) => n.id !== notification.id), notification].slice(-5) }));
    },

    reset() {
      raises.stop();
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
