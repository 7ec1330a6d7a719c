import type { AlertsService, RateLimit } from "@kring/domain";
import { AlertClaimPayload, AlertRaisePayload, AlertResolvePayload, CheckinOkPayload } from "@kring/protocol";
import { parseInput } from "../../http/errors";
import type { Logger } from "@kring/logger";
import { assertNotDraining, withAck } from "../../realtime/ack-handler";
import type { KringSocket } from "../../realtime/socket-types";
import type { InFlight } from "../messages/messages.handlers";

/**
 * Alert events. A raise is acknowledged only after the alert is stored and its first ladder
 * step is queued, so an acknowledged Help is never lost; a resend with the same clientId
 * returns the same alert.
 */
export function registerAlertHandlers(
  socket: KringSocket,
  deps: {
    alerts: AlertsService;
    logger: Logger;
    isDraining: () => boolean;
    inFlight: InFlight;
    /** Per user, across nodes: a flood of raises would page (and text) everyone again and again. */
    limits: { alertRaise: RateLimit; alertClaim: RateLimit; checkin: RateLimit };
  },
) {
  const { userId } = socket.data;
  const tracked = <T>(work: () => Promise<T>) => async () => {
    assertNotDraining(deps.isDraining);
    deps.inFlight.begin();
    try {
      return await work();
    } finally {
      deps.inFlight.end();
    }
  };

  socket.on(
    "alert:raise",
    withAck(deps.logger, async (payload) => {
      const input = parseInput(AlertRaisePayload, payload);
      await deps.limits.alertRaise.consume(userId);
      return tracked(async () => ({ alert: (await deps.alerts.raiseAlert(userId, input)).alert }))();
    }),
  );
  socket.on(
    "alert:claim",
    withAck(deps.logger, async (payload) => {
      const input = parseInput(AlertClaimPayload, payload);
      await deps.limits.alertClaim.consume(userId);
      return tracked(async () => ({ alert: await deps.alerts.claimAlert(userId, input.alertId) }))();
    }),
  );
  socket.on(
    "alert:resolve",
    withAck(deps.logger, async (payload) => {
      const input = parseInput(AlertResolvePayload, payload);
      await deps.limits.alertClaim.consume(userId);
      return tracked(async () => ({ alert: await deps.alerts.resolveAlert(userId, input) }))();
    }),
  );
  socket.on(
    "checkin:ok",
    withAck(deps.logger, async (payload) => {
      const input = parseInput(CheckinOkPayload, payload);
      await deps.limits.checkin.consume(userId);
      return tracked(async () => ({ checkin: await deps.alerts.checkIn(userId, input.circleId) }))();
    }),
  );
}
