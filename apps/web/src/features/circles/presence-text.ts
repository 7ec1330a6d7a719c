import type { PresenceEntry } from "@kring/protocol";
import type { Translator } from "../i18n/use-t";
import { formatMessageTime } from "../i18n/format";

export function presenceText(entry: PresenceEntry | undefined, { t, locale }: Pick<Translator, "t" | "locale">): string {
  if (entry?.isOnline) return t("online");
  if (entry?.lastSeenAt) return t("lastSeen", { time: formatMessageTime(entry.lastSeenAt, locale) });
  return t("notSeenYet");
}
