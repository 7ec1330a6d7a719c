import { countryOfTimeZone, OFFERED_TIME_ZONES, type OfferedTimeZone } from "@kring/protocol";
import type { Language } from "./i18n.store";

// People know their city and country, not "Europe/Brussels". The offered zones (protocol's
// OFFERED_TIME_ZONES) get their city in each language here; the country's name comes from
// Intl.DisplayNames, so it is in the reader's language too.
const CITIES: Record<OfferedTimeZone, Record<Language, string>> = {
  "Europe/Brussels": { nl: "Brussel", fr: "Bruxelles", en: "Brussels" },
  "Europe/Amsterdam": { nl: "Amsterdam", fr: "Amsterdam", en: "Amsterdam" },
  "Europe/Luxembourg": { nl: "Luxemburg", fr: "Luxembourg", en: "Luxembourg" },
  "Europe/Paris": { nl: "Parijs", fr: "Paris", en: "Paris" },
  "Europe/Berlin": { nl: "Berlijn", fr: "Berlin", en: "Berlin" },
  "Europe/London": { nl: "Londen", fr: "Londres", en: "London" },
  "Europe/Dublin": { nl: "Dublin", fr: "Dublin", en: "Dublin" },
  "Europe/Madrid": { nl: "Madrid", fr: "Madrid", en: "Madrid" },
  "Europe/Lisbon": { nl: "Lissabon", fr: "Lisbonne", en: "Lisbon" },
  "Europe/Rome": { nl: "Rome", fr: "Rome", en: "Rome" },
  "Europe/Zurich": { nl: "Zürich", fr: "Zurich", en: "Zurich" },
  "Europe/Vienna": { nl: "Wenen", fr: "Vienne", en: "Vienna" },
  "Europe/Copenhagen": { nl: "Kopenhagen", fr: "Copenhague", en: "Copenhagen" },
  "Europe/Stockholm": { nl: "Stockholm", fr: "Stockholm", en: "Stockholm" },
  "Europe/Warsaw": { nl: "Warschau", fr: "Varsovie", en: "Warsaw" },
};

/** "Brussel (België)", "Bruxelles (Belgique)", "Brussels (Belgium)"; another zone: its city part. */
function timeZoneLabel(zone: string, language: Language, locale: string): string {
  const city = (CITIES as Record<string, Record<Language, string>>)[zone]?.[language] ?? zone.split("/").pop()?.replaceAll("_", " ") ?? zone;
  const country = countryOfTimeZone(zone);
  if (!country) return city;
  try {
    return `${city} (${new Intl.DisplayNames([locale], { type: "region" }).of(country) ?? country})`;
  } catch {
    return `${city} (${country})`;
  }
}

/** The zones a coordinator picks from, sorted by label, with a circle's current zone kept if it is another one. */
export function offeredTimeZones(current: string, language: Language, locale: string): { zone: string; label: string }[] {
  const zones = Object.keys(OFFERED_TIME_ZONES);
  if (!zones.includes(current)) zones.push(current);
  return zones
    .map((zone) => ({ zone, label: timeZoneLabel(zone, language, locale) }))
    .sort((a, b) => a.label.localeCompare(b.label, locale));
}
