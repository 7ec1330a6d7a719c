import type { AlertsService, RateLimit } from "@kring/domain";
import type { Logger } from "@kring/logger";
import { onEvent } from "../../realtime/ack-handler";
import type { WorkGate } from "../../realtime/work-gate";
import type { KringSocket } from "../../realtime/socket-types";

/**
 * Alert events. A raise is acknowledged only after the alert is stored and its first ladder
 * step is queued, so an acknowledged Help is never lost; a resend with the same clientId
 * returns the same alert. Every event runs under the node's work gate (bound + deadline): a raise
 * answered `unavailable` may still complete, and its resend then finds the same alert.
 */
export function registerAlertHandlers(
  socket: KringSocket,
  deps: {
    alerts: AlertsService;
    logger: Logger;
    gate: WorkGate;
    /** Per user, across nodes: a flood of raises would page (and text) everyone again and again. */
    limits: { alertRaise: RateLimit; alertClaim: RateLimit };
    /**
     * Starts reading what the raise's first page reads (open-services `warmFirstPage`), so that its
     * checks against Redis run beside the rate limit's instead of one after another.
     */
    prefetchFirstPage?: (circleId: string, raisedBy: string) => void;
  },
) {
  const { userId } = socket.data;
  // Someone is waiting for help: these may use the node's reserve above its bound.
  const urgent = () => ({ isUrgent: true });
  onEvent(socket, "alert:raise", deps, async (input) => {
    // Only for a circle this socket joined at its handshake: an outsider makes the node read nothing.
    if (socket.data.circleIds.includes(input.circleId)) deps.prefetchFirstPage?.(input.circleId, userId);
    await deps.limits.alertRaise.consume(userId);
    return { alert: (await deps.alerts.raiseAlert(userId, input)).alert };
  }, (input) => ({ key: `alert:raise:${userId}:${input.circleId}:${input.clientId}`, isUrgent: true }));
  onEvent(socket, "alert:claim", deps, async (input) => {
    await deps.limits.alertClaim.consume(userId);
    return { alert: await deps.alerts.claimAlert(userId, input.alertId) };
  }, urgent);
  onEvent(socket, "alert:resolve", deps, async (input) => {
    await deps.limits.alertClaim.consume(userId);
    return { alert: await deps.alerts.resolveAlert(userId, input) };
  });
  // "I pressed by mistake" is as urgent as the press: people are being paged meanwhile.
  onEvent(socket, "alert:cancel", deps, async (input) => {
    await deps.limits.alertClaim.consume(userId);
    return { alert: await deps.alerts.cancelAlert(userId, input.alertId) };
  }, urgent);
}
