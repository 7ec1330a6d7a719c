import { InvitationEmailJob } from "@kring/protocol";

/** Mails an invitation link a coordinator asked Kring to send (see email.channel.ts `sendInvitation`). */
export async function processInvitationEmail(
  payload: unknown,
  deps: { sendInvitation: (job: InvitationEmailJob) => Promise<"sent" | "skipped"> },
) {
  return deps.sendInvitation(InvitationEmailJob.parse(payload));
}
