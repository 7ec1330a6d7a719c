import { NotificationPreferencesResponse } from "@kring/protocol";
import { api } from "../../lib/api";
import type { Language } from "../i18n/i18n.store";

/**
 * Notifications are written in the language saved in the user's preferences, which starts as
 * Dutch. When someone signs up in, or switches the app to, another language, their pages and
 * emails follow, so "New alert in Anna's circle" is not sent in a language they didn't choose.
 */
export async function saveNotificationLanguage(language: Language): Promise<void> {
  const { preferences } = await api.get("/api/me/notification-preferences", NotificationPreferencesResponse);
  if (preferences.language === language) return;
  await api.put("/api/me/notification-preferences", { ...preferences, language }, NotificationPreferencesResponse);
}
