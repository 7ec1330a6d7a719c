import type { NotificationKind, NotificationPreferences } from "@kring/protocol";

const texts: Record<NotificationPreferences["language"], Record<NotificationKind, (circle: string) => string>> = {
  en: {
    alert_page: (c) => `New alert in ${c}`,
    alert_unanswered: (c) => `An alert in ${c} is still unanswered`,
    message_digest: (c) => `New messages in ${c}`,
    ladder_member_added: (c) => `A new family member was added to the end of the alert order in ${c}`,
    visit_reminder: (c) => `Reminder: you have a visit or task coming up in ${c}`,
  },
  nl: {
    alert_page: (c) => `Nieuw alarm in ${c}`,
    alert_unanswered: (c) => `Een alarm in ${c} is nog niet beantwoord`,
    message_digest: (c) => `Nieuwe berichten in ${c}`,
    ladder_member_added: (c) => `Een nieuw familielid staat nu achteraan in de alarmvolgorde van ${c}`,
    visit_reminder: (c) => `Herinnering: u hebt binnenkort een bezoek of taak in ${c}`,
  },
  fr: {
    alert_page: (c) => `Nouvelle alerte dans ${c}`,
    alert_unanswered: (c) => `Une alerte dans ${c} attend toujours une réponse`,
    message_digest: (c) => `Nouveaux messages dans ${c}`,
    ladder_member_added: (c) => `Un nouveau membre de la famille a été ajouté à la fin de l'ordre d'alerte de ${c}`,
    visit_reminder: (c) => `Rappel : vous avez bientôt une visite ou une tâche dans ${c}`,
  },
};

/**
 * The neutral sentence a notification carries: it names the circle, never the alert kind or a
 * message's content (PRODUCT.md: health data stays in Kring, push and SMS carry an id and this).
 */
export function notificationText(kind: NotificationKind, circleName: string, language: NotificationPreferences["language"]) {
  return texts[language][kind](circleName);
}
