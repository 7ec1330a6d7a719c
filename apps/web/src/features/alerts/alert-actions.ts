import { AlertsResponse, type Alert, type ErrorBody } from "@kring/protocol";
import { api } from "../../lib/api";
import { ACK_TIMEOUT_MS, currentSocket } from "../../lib/socket";
import { useAlertsStore } from "./alerts.store";

// What family and staff do with alerts (the inbox, claim, resolve). Kept out of the store so the
// resident's first load carries only raising and following their own alerts.

export class AlertActionError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** On a lost claim race: who is already on it. */
    readonly claimedBy?: { userId: string; name: string },
  ) {
    super(message);
  }
}

export async function loadInbox(): Promise<void> {
  useAlertsStore.setState((state) => ({ inboxState: state.inboxState === "loaded" ? "loaded" : "loading" }));
  try {
    const { alerts } = await api.get("/api/alerts", AlertsResponse);
    useAlertsStore.getState().upsert(alerts);
    useAlertsStore.setState({ inboxState: "loaded" });
  } catch (error) {
    useAlertsStore.setState((state) => ({ inboxState: state.inboxState === "loaded" ? "loaded" : "failed" }));
    throw error;
  }
}

async function acknowledged(send: () => Promise<{ ok: true; alert: Alert } | { ok: false; error: ErrorBody }>) {
  if (!currentSocket()?.connected) throw new AlertActionError("network", "Not connected.");
  const ack = await send().catch(() => {
    throw new AlertActionError("network", "No answer from Kring.");
  });
  if (!ack.ok) throw new AlertActionError(ack.error.code, ack.error.message, ack.error.claimedBy);
  useAlertsStore.getState().upsert(ack.alert);
}

/** "I'm on it": stands the rest of the ladder down. */
export function claimAlert(alertId: string): Promise<void> {
  return acknowledged(() => currentSocket()!.timeout(ACK_TIMEOUT_MS).emitWithAck("alert:claim", { alertId }));
}

export function resolveAlert(alertId: string, note?: string): Promise<void> {
  const trimmed = note?.trim();
  return acknowledged(() =>
    currentSocket()!.timeout(ACK_TIMEOUT_MS).emitWithAck("alert:resolve", { alertId, ...(trimmed ? { note: trimmed } : {}) }),
  );
}

export function dismissNotice(id: string): void {
  useAlertsStore.setState((state) => ({ notices: state.notices.filter((n) => n.id !== id) }));
}

/** Open first (they need someone), then claimed, then the rest; newest first within each. */
export function sortForInbox(alerts: Alert[]): Alert[] {
  const rank: Record<Alert["status"], number> = { open: 0, unanswered: 0, claimed: 1, resolved: 2 };
  return [...alerts].sort((a, b) => rank[a.status] - rank[b.status] || b.createdAt.localeCompare(a.createdAt));
}
