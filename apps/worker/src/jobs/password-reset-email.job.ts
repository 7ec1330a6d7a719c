import { PasswordResetEmailJob } from "@kring/protocol";

/** Mails a password reset link (issue #11; see email.channel.ts `sendPasswordReset`). */
export async function processPasswordResetEmail(
  payload: unknown,
  deps: { sendPasswordReset: (job: PasswordResetEmailJob) => Promise<"sent" | "skipped"> },
) {
  return deps.sendPasswordReset(PasswordResetEmailJob.parse(payload));
}
