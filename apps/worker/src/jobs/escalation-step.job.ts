import type { AlertsService } from "@kring/domain";
import { EscalationStepJob } from "@kring/protocol";

/** Pages the next responder, or marks the alert unanswered. Idempotent: see runEscalationStep. */
export async function processEscalationStep(payload: unknown, deps: { alerts: AlertsService }) {
  return deps.alerts.runEscalationStep(EscalationStepJob.parse(payload));
}
