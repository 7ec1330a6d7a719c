import type { ChannelSender } from "@kring/domain";
import nodemailer from "nodemailer";

const openKring = { en: "Open Kring", nl: "Open Kring", fr: "Ouvrir Kring" } as const;

/** Email over SMTP. The mail says what the push says, plus a link: the details stay in Kring. */
export function createEmailChannel(options: { smtpUrl: string | undefined; from: string; appUrl: string }): ChannelSender & {
  close(): void;
} {
  const transport = options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : null;
  const send: ChannelSender = async ({ user, preferences, notification }) => {
    if (!transport || !user.email) return "skipped";
    const link = `${options.appUrl.replace(/\/$/, "")}/circles/${notification.circleId}${notification.alertId ? `/alerts/${notification.alertId}` : ""}`;
    await transport.sendMail({
      from: options.from,
      to: user.email,
      subject: notification.text,
      text: `${notification.text}\n\n${openKring[preferences.language]}: ${link}\n`,
      headers: { "X-Kring-Notification": notification.id, ...(notification.urgent ? { Priority: "urgent", Importance: "high" } : {}) },
    });
    return "sent";
  };
  return Object.assign(send, { close: () => transport?.close() });
}
