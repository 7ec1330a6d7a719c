import type { Language } from "../i18n/i18n.store";

// Words of the staff's privacy sections (issue #11), nl/fr/en, in the staff chunk with them.
// French says "vous", Dutch "u" (glossary.md).

type Words = {
  circleTitle: string;
  circleIntro: string;
  accessLogTitle: string;
  exportCircle: string;
  exportHint: string;
  retentionTitle: string;
  retentionIntro: string;
  retentionLabel: string;
  retentionForever: string;
  retentionDays: (days: number) => string;
  retentionSave: string;
  saved: string;
  failed: string;
  accountTitle: string;
  exportMine: string;
  exportMineHint: string;
  deleteTitle: string;
  deleteIntro: string;
  deletePassword: string;
  deleteButton: string;
  deleteConfirm: string;
  wrongPassword: string;
  onlyCoordinator: string;
  downloading: string;
};

export const privacyWords: Record<Language, Words> = {
  en: {
    circleTitle: "Privacy",
    circleIntro: "Who read what in this circle, everything it holds as a download, and how long messages are kept.",
    accessLogTitle: "Who looked at this circle (last 30 days)",
    exportCircle: "Download the circle's data",
    exportHint: "A ZIP file with data.json and a page you can open in any browser.",
    retentionTitle: "How long messages are kept",
    retentionIntro: "Older messages are removed every night. The alerts and check-ins are kept.",
    retentionLabel: "Keep messages",
    retentionForever: "Forever",
    retentionDays: (days) => (days % 365 === 0 ? `${days / 365} year${days === 365 ? "" : "s"}` : `${days} days`),
    retentionSave: "Save",
    saved: "Saved.",
    failed: "That did not work. Try again.",
    accountTitle: "Your data",
    exportMine: "Download my data",
    exportMineHint: "Your account, circles, your messages and what you read, as a ZIP file.",
    deleteTitle: "Delete my account",
    deleteIntro:
      "Your account, devices and settings are deleted at once and your messages are removed. Alerts you handled stay in the circle's record as “a former member”.",
    deletePassword: "Your password",
    deleteButton: "Delete my account",
    deleteConfirm: "Delete your account for good? This cannot be undone.",
    wrongPassword: "That password is not right.",
    onlyCoordinator: "You are the only coordinator of a circle. Make someone else a coordinator first.",
    downloading: "Preparing the download…",
  },
  nl: {
    circleTitle: "Privacy",
    circleIntro: "Wie wat las in deze kring, alles wat ze bevat als download, en hoe lang berichten bewaard blijven.",
    accessLogTitle: "Wie keek in deze kring (voorbije 30 dagen)",
    exportCircle: "Gegevens van de kring downloaden",
    exportHint: "Een ZIP-bestand met data.json en een pagina die u in elke browser kunt openen.",
    retentionTitle: "Hoe lang berichten bewaard blijven",
    retentionIntro: "Oudere berichten worden elke nacht verwijderd. De alarmen en het dagelijks teken van leven blijven.",
    retentionLabel: "Berichten bewaren",
    retentionForever: "Altijd",
    retentionDays: (days) => (days % 365 === 0 ? `${days / 365} jaar` : `${days} dagen`),
    retentionSave: "Bewaren",
    saved: "Bewaard.",
    failed: "Dat lukte niet. Probeer opnieuw.",
    accountTitle: "Uw gegevens",
    exportMine: "Mijn gegevens downloaden",
    exportMineHint: "Uw account, kringen, uw berichten en wat u las, als ZIP-bestand.",
    deleteTitle: "Mijn account verwijderen",
    deleteIntro:
      "Uw account, toestellen en instellingen worden meteen verwijderd en uw berichten gewist. Alarmen die u afhandelde blijven in het verslag van de kring als „een vroeger lid”.",
    deletePassword: "Uw wachtwoord",
    deleteButton: "Mijn account verwijderen",
    deleteConfirm: "Uw account definitief verwijderen? Dit kan niet ongedaan worden.",
    wrongPassword: "Dat wachtwoord klopt niet.",
    onlyCoordinator: "U bent de enige coördinator van een kring. Maak eerst iemand anders coördinator.",
    downloading: "De download wordt klaargemaakt…",
  },
  fr: {
    circleTitle: "Vie privée",
    circleIntro: "Qui a lu quoi dans ce cercle, tout ce qu'il contient à télécharger, et combien de temps les messages sont gardés.",
    accessLogTitle: "Qui a consulté ce cercle (30 derniers jours)",
    exportCircle: "Télécharger les données du cercle",
    exportHint: "Un fichier ZIP avec data.json et une page que vous pouvez ouvrir dans tout navigateur.",
    retentionTitle: "Durée de conservation des messages",
    retentionIntro: "Les messages plus anciens sont supprimés chaque nuit. Les alertes et les signes de vie sont gardés.",
    retentionLabel: "Garder les messages",
    retentionForever: "Toujours",
    retentionDays: (days) => (days % 365 === 0 ? `${days / 365} an${days === 365 ? "" : "s"}` : `${days} jours`),
    retentionSave: "Enregistrer",
    saved: "Enregistré.",
    failed: "Cela n'a pas fonctionné. Réessayez.",
    accountTitle: "Vos données",
    exportMine: "Télécharger mes données",
    exportMineHint: "Votre compte, vos cercles, vos messages et ce que vous avez lu, en fichier ZIP.",
    deleteTitle: "Supprimer mon compte",
    deleteIntro:
      "Votre compte, vos appareils et vos réglages sont supprimés aussitôt et vos messages effacés. Les alertes que vous avez traitées restent dans le registre du cercle comme « un ancien membre ».",
    deletePassword: "Votre mot de passe",
    deleteButton: "Supprimer mon compte",
    deleteConfirm: "Supprimer votre compte pour de bon ? Ceci est définitif.",
    wrongPassword: "Ce mot de passe n'est pas correct.",
    onlyCoordinator: "Vous êtes le seul coordinateur d'un cercle. Nommez d'abord quelqu'un d'autre coordinateur.",
    downloading: "Préparation du téléchargement…",
  },
};
