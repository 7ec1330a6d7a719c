import type { AccessCategory, AccessChangeAction } from "@kring/protocol";
import type { Language } from "../i18n/i18n.store";

// The access log's words, nl/fr/en, in the lazy chunk that shows them (the resident's first load
// carries none of it). Glossary: "alarm" (nl) and "alerte" (fr) for alerts; French says "vous".

type Words = {
  button: string;
  title: string;
  intro: string;
  back: string;
  loading: string;
  failed: string;
  empty: string;
  formerMember: string;
  you: string;
  today: string;
  yesterday: string;
  on: (date: string) => string;
  times: (count: number) => string;
  read: Record<AccessCategory, string>;
  changed: Record<AccessChangeAction, string>;
  changesTitle: string;
  readsTitle: string;
  device: Record<"tablet" | "phone" | "desktop" | "unknown", string>;
  /** "Marie read the messages today, 4 times" */
  sentence: (who: string, what: string, when: string, times: string) => string;
};

export const accessLogWords: Record<Language, Words> = {
  en: {
    button: "Who looked at my circle",
    title: "Who looked at your circle",
    intro: "Everyone who read something in your circle in the last 30 days.",
    back: "Back",
    loading: "Loading…",
    failed: "This could not be loaded. Try again later.",
    empty: "Nobody has looked yet.",
    formerMember: "A former member",
    you: "You",
    today: "today",
    yesterday: "yesterday",
    on: (date) => `on ${date}`,
    times: (count) => (count === 1 ? "once" : `${count} times`),
    read: {
      messages: "read the messages",
      alerts: "looked at the alerts",
      checkins: "looked at the daily check-in",
      members: "looked at who is in the circle",
      export: "downloaded the circle's data",
      photo: "looked at your photo",
      visits: "looked at the visits",
    },
    changed: {
      member_joined: "joined the circle",
      member_removed: "removed someone from the circle",
      member_left: "left the circle",
      member_erased: "deleted their account",
      ladder_changed: "changed who is called, in order",
      checkin_schedule_changed: "changed the daily check-in",
      retention_changed: "changed how long messages are kept",
      plan_changed: "changed the visits",
    },
    changesTitle: "Changes",
    readsTitle: "Reading",
    device: { tablet: "on a tablet", phone: "on a phone", desktop: "on a computer", unknown: "" },
    sentence: (who, what, when, times) => `${who} ${what} ${when}, ${times}`,
  },
  nl: {
    button: "Wie keek in mijn kring",
    title: "Wie keek in uw kring",
    intro: "Iedereen die de voorbije 30 dagen iets las in uw kring.",
    back: "Terug",
    loading: "Laden…",
    failed: "Dit kon niet geladen worden. Probeer het later opnieuw.",
    empty: "Nog niemand heeft gekeken.",
    formerMember: "Een vroeger lid",
    you: "U",
    today: "vandaag",
    yesterday: "gisteren",
    on: (date) => `op ${date}`,
    times: (count) => (count === 1 ? "1 keer" : `${count} keer`),
    read: {
      messages: "las de berichten",
      alerts: "bekeek de alarmen",
      checkins: "bekeek het dagelijks teken van leven",
      members: "bekeek wie in de kring zit",
      export: "downloadde de gegevens van de kring",
      photo: "bekeek uw foto",
      visits: "bekeek de bezoeken",
    },
    changed: {
      member_joined: "kwam bij de kring",
      member_removed: "haalde iemand uit de kring",
      member_left: "verliet de kring",
      member_erased: "wiste de eigen account",
      ladder_changed: "wijzigde wie wordt opgeroepen, in volgorde",
      checkin_schedule_changed: "wijzigde het dagelijks teken van leven",
      retention_changed: "wijzigde hoe lang berichten bewaard blijven",
      plan_changed: "wijzigde de bezoeken",
    },
    changesTitle: "Wijzigingen",
    readsTitle: "Gelezen",
    device: { tablet: "op een tablet", phone: "op een telefoon", desktop: "op een computer", unknown: "" },
    sentence: (who, what, when, times) => `${who} ${what} ${when}, ${times}`,
  },
  fr: {
    button: "Qui a consulté mon cercle",
    title: "Qui a consulté votre cercle",
    intro: "Toutes les personnes qui ont lu quelque chose dans votre cercle ces 30 derniers jours.",
    back: "Retour",
    loading: "Chargement…",
    failed: "Impossible de charger ceci. Réessayez plus tard.",
    empty: "Personne n'a encore consulté.",
    formerMember: "Un ancien membre",
    you: "Vous",
    today: "aujourd'hui",
    yesterday: "hier",
    on: (date) => `le ${date}`,
    times: (count) => (count === 1 ? "1 fois" : `${count} fois`),
    read: {
      messages: "a lu les messages",
      alerts: "a regardé les alertes",
      checkins: "a regardé le signe de vie quotidien",
      members: "a regardé qui fait partie du cercle",
      export: "a téléchargé les données du cercle",
      photo: "a regardé votre photo",
      visits: "a regardé les visites",
    },
    changed: {
      member_joined: "a rejoint le cercle",
      member_removed: "a retiré quelqu'un du cercle",
      member_left: "a quitté le cercle",
      member_erased: "a supprimé son compte",
      ladder_changed: "a modifié qui est appelé, dans l'ordre",
      checkin_schedule_changed: "a modifié le signe de vie quotidien",
      retention_changed: "a modifié la durée de conservation des messages",
      plan_changed: "a modifié les visites",
    },
    changesTitle: "Modifications",
    readsTitle: "Lectures",
    device: { tablet: "sur une tablette", phone: "sur un téléphone", desktop: "sur un ordinateur", unknown: "" },
    sentence: (who, what, when, times) => `${who} ${what} ${when}, ${times}`,
  },
};
