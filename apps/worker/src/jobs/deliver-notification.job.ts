import type { DeliverNotificationJob as Job } from "@kring/protocol";
import { DeliverNotificationJob } from "@kring/protocol";

/** Sends one notification on one channel; a throw makes BullMQ retry with backoff. */
export async function processDeliverNotification(
  payload: unknown,
  deps: { deliver: (job: Job) => Promise<"sent" | "skipped"> },
) {
  return deps.deliver(DeliverNotificationJob.parse(payload));
}
