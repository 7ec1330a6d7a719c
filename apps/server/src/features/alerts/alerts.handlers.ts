import type { AlertsService, RateLimit } from "@kring/domain";
import { AlertClaimPayload, AlertRaisePayload, AlertResolvePayload, CheckinOkPayload } from "@kring/protocol";
import { parseInput } from "../../http/errors";
import type { Logger } from "@kring/logger";
import { withAck } from "../../realtime/ack-handler";
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
    limits: { alertRaise: RateLimit; alertClaim: RateLimit; checkin: RateLimit };
  },
) {
  const { userId } = socket.data;
  // Someone is waiting for help: these may use the node's reserve above its bound.
  const urgent = () => ({ isUrgent: true });
  socket.on(
    "alert:raise",
    withAck(deps.logger, async (payload) => {
      const input = parseInput(AlertRaisePayload, payload);
      await deps.limits.alertRaise.consume(userId);
      return { alert: (await deps.alerts.raiseAlert(userId, input)).alert };
    }, deps.gate, (payload) => {
      const input = AlertRaisePayload.safeParse(payload);
      return input.success ? { key: `alert:raise:${userId}:${input.data.circleId}:${input.data.clientId}`, isUrgent: true } : undefined;
    }),
  );
  socket.on(
    "alert:claim",
    withAck(deps.logger, async (payload) => {
      const input = parseInput(AlertClaimPayload, payload);
      await deps.limits.alertClaim.consume(userId);
      return { alert: await deps.alerts.claimAlert(userId, input.alertId) };
    }, deps.gate, urgent),
  );
  socket.on(
    "alert:resolve",
    withAck(deps.logger, async (payload) => {
      const input = parseInput(AlertResolvePayload, payload);
      await deps.limits.alertClaim.consume(userId);
      return { alert: await deps.alerts.resolveAlert(userId, input) };
    }, deps.gate),
  );
  socket.on(
    "checkin:ok",
    withAck(deps.logger, async (payload) => {
      const input = parseInput(CheckinOkPayload, payload);
      await deps.limits.checkin.consume(userId);
      return { checkin: await deps.alerts.checkIn(userId, input.circleId) };
    }, deps.gate, urgent),
  );
}
