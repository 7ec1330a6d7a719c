import { api } from "../../lib/api";
import { ResidentProfileResponse } from "../../lib/answer-shapes";
import { useI18nStore } from "../i18n/i18n.store";

/**
 * The tablet speaks the language the coordinator set in the resident's profile (issue #9): the
 * resident's screen has no language switch she could change by accident. Without a profile
 * language the tablet keeps the app's default (its browser's language, else Dutch). The choice is
 * remembered, so a tablet that starts offline still speaks it.
 */
export async function applyTabletLanguage(circleId: string, userId: string): Promise<void> {
  const { profile } = await api.get(`/api/circles/${circleId}/residents/${userId}/profile`, ResidentProfileResponse);
  if (profile.language && profile.language !== useI18nStore.getState().language) {
    await useI18nStore.getState().setLanguage(profile.language);
  }
}
