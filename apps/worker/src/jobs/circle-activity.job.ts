import { CircleActivityJob } from "@kring/protocol";

/** At the end of a digest window: schedules a digest for every member offline with unread messages. */
export async function processCircleActivity(
  payload: unknown,
  deps: { onCircleActivity: (job: CircleActivityJob) => Promise<unknown> },
) {
  return deps.onCircleActivity(CircleActivityJob.parse(payload));
}
