import { MessagePostedJob } from "@kring/protocol";

/** Schedules a digest for every member who has no socket connected. */
export async function processMessagePosted(
  payload: unknown,
  deps: { onMessagePosted: (job: MessagePostedJob) => Promise<unknown> },
) {
  return deps.onMessagePosted(MessagePostedJob.parse(payload));
}
