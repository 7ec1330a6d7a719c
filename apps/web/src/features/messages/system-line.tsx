import type { Message } from "@kring/protocol";
import { formatMessageTime } from "../i18n/format";
import { useT } from "../i18n/use-t";
import "./system-line.css";

/** Is this a line Kring wrote itself (issue #9), which we can render in the reader's language? */
export function isSystemLine(message: Message): message is Message & { kind: "system"; system: NonNullable<Message["system"]> } {
  return message.kind === "system" && message.system !== undefined;
}

/**
 * "Anna pressed Help at 14:02", "Marie is on it", "Resolved by Marie": centred and muted, not a
 * speech bubble, in the reader's language and time zone (the server's `body` is the English
 * fallback for older clients).
 */
export function SystemLineItem({ message }: { message: Message }) {
  const { t, locale } = useT();
  if (!isSystemLine(message)) return null;
  const { system } = message;
  const name = system.name || t("someone");
  const time = formatMessageTime(message.createdAt, locale);
  const text =
    system.type === "alert_raised"
      ? t("systemAlertRaised", { name, time })
      : system.type === "alert_claimed"
        ? t("systemAlertClaimed", { name, time })
        : system.note
          ? t("systemAlertResolvedNote", { name, time, note: system.note })
          : t("systemAlertResolved", { name, time });
  return (
    <li className="message-system">
      <p>{text}</p>
    </li>
  );
}
