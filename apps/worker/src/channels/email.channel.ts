import type { ChannelSender } from "@kring/domain";
import type { InvitationEmailJob, PasswordResetEmailJob } from "@kring/protocol";
import nodemailer from "nodemailer";

const openKring = { en: "Open Kring", nl: "Open Kring", fr: "Ouvrir Kring" } as const;

type Language = InvitationEmailJob["language"];
const roleNames: Record<Language, Record<InvitationEmailJob["role"], string>> = {
  en: { family: "family member", professional: "care professional", coordinator: "coordinator", volunteer: "volunteer" },
  nl: { family: "familielid", professional: "zorgverlener", coordinator: "coördinator", volunteer: "vrijwilliger" },
  fr: { family: "membre de la famille", professional: "professionnel de soins", coordinator: "coordinateur", volunteer: "bénévole" },
};

/**
 * The invitation mail: who invites, as what, the link and until when. Nothing about the circle or
 * its care: the address was typed by hand and may be someone else's.
 */
function invitationMail(job: InvitationEmailJob, link: string) {
  const inviter = job.inviterName || "Kring";
  const role = roleNames[job.language][job.role];
  const until = new Intl.DateTimeFormat(job.language === "en" ? "en-GB" : `${job.language}-BE`, {
    dateStyle: "long",
    timeStyle: "short",
    timeZone: "Europe/Brussels",
  }).format(new Date(job.expiresAt));
  const texts: Record<Language, { subject: string; body: string }> = {
    en: {
      subject: `${inviter} invites you to Kring`,
      body: `${inviter} invites you to join a care circle on Kring as ${role}.\n\nOpen this link to join (valid until ${until}):\n${link}\n\nIf you did not expect this invitation, you can ignore this email.\n`,
    },
    nl: {
      subject: `${inviter} nodigt u uit voor Kring`,
      body: `${inviter} nodigt u uit om als ${role} lid te worden van een zorgkring op Kring.\n\nOpen deze link om lid te worden (geldig tot ${until}):\n${link}\n\nVerwachtte u deze uitnodiging niet? Dan kunt u deze e-mail negeren.\n`,
    },
    fr: {
      subject: `${inviter} vous invite sur Kring`,
      body: `${inviter} vous invite à rejoindre un cercle de soins sur Kring en tant que ${role}.\n\nOuvrez ce lien pour le rejoindre (valable jusqu'au ${until}) :\n${link}\n\nSi vous n'attendiez pas cette invitation, vous pouvez ignorer cet e-mail.\n`,
    },
  };
  return texts[job.language];
}

/** The reset mail (issue #11): the link and its 30 minutes; nothing else about the account. */
function passwordResetMail(job: PasswordResetEmailJob, link: string) {
  const until = new Intl.DateTimeFormat(job.language === "en" ? "en-GB" : `${job.language}-BE`, {
    timeStyle: "short",
    timeZone: "Europe/Brussels",
  }).format(new Date(job.expiresAt));
  const texts: Record<Language, { subject: string; body: string }> = {
    en: {
      subject: "Choose a new Kring password",
      body: `Hello ${job.name},\n\nOpen this link to choose a new password (valid until ${until}, once):\n${link}\n\nIf you did not ask for this, ignore this email: your password stays as it is.\n`,
    },
    nl: {
      subject: "Kies een nieuw wachtwoord voor Kring",
      body: `Hallo ${job.name},\n\nOpen deze link om een nieuw wachtwoord te kiezen (geldig tot ${until}, één keer):\n${link}\n\nHebt u dit niet gevraagd? Negeer dan deze e-mail: uw wachtwoord blijft hetzelfde.\n`,
    },
    fr: {
      subject: "Choisissez un nouveau mot de passe Kring",
      body: `Bonjour ${job.name},\n\nOuvrez ce lien pour choisir un nouveau mot de passe (valable jusqu'à ${until}, une seule fois) :\n${link}\n\nSi vous n'avez rien demandé, ignorez cet e-mail : votre mot de passe reste le même.\n`,
    },
  };
  return texts[job.language];
}

/** Email over SMTP. The mail says what the push says, plus a link: the details stay in Kring. */
export function createEmailChannel(options: { smtpUrl: string | undefined; from: string; appUrl: string }): ChannelSender & {
  sendInvitation(job: InvitationEmailJob): Promise<"sent" | "skipped">;
  sendPasswordReset(job: PasswordResetEmailJob): Promise<"sent" | "skipped">;
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
  /** Throws (the job retries) when the mail server refuses; "skipped" when no SMTP is configured. */
  const sendInvitation = async (job: InvitationEmailJob): Promise<"sent" | "skipped"> => {
    if (!transport) return "skipped";
    const link = `${options.appUrl.replace(/\/$/, "")}/join/${encodeURIComponent(job.code)}`;
    const mail = invitationMail(job, link);
    await transport.sendMail({ from: options.from, to: job.to, subject: mail.subject, text: mail.body });
    return "sent";
  };
  const sendPasswordReset = async (job: PasswordResetEmailJob): Promise<"sent" | "skipped"> => {
    if (!transport) return "skipped";
    const link = `${options.appUrl.replace(/\/$/, "")}/reset-password/${encodeURIComponent(job.token)}`;
    const mail = passwordResetMail(job, link);
    await transport.sendMail({ from: options.from, to: job.to, subject: mail.subject, text: mail.body });
    return "sent";
  };
  return Object.assign(send, { sendInvitation, sendPasswordReset, close: () => transport?.close() });
}
