import { MessageDigestJob } from "@kring/protocol";

/** Sends "New messages in Anna's circle" once per window, unless everything was read meanwhile. */
export async function processMessageDigest(
  payload: unknown,
  deps: { runDigest: (job: MessageDigestJob) => Promise<unknown> },
) {
  return deps.runDigest(MessageDigestJob.parse(payload));
}
