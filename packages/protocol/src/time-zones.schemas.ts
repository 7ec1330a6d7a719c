import { z } from "zod";

/**
 * The time zones a coordinator picks for a circle, with their country (ISO 3166-1 alpha-2). A
 * circle's time zone is also its country: phone numbers typed without +32 are read as that
 * country's (`0470 12 34 56` in a Brussels circle is +32470123456). The web shows each zone as its
 * city and country ("Brussels (Belgium)"); any other valid IANA zone is still accepted.
 */
export const OFFERED_TIME_ZONES = {
  "Europe/Brussels": "BE",
  "Europe/Amsterdam": "NL",
  "Europe/Luxembourg": "LU",
  "Europe/Paris": "FR",
  "Europe/Berlin": "DE",
  "Europe/London": "GB",
  "Europe/Dublin": "IE",
  "Europe/Madrid": "ES",
  "Europe/Lisbon": "PT",
  "Europe/Rome": "IT",
  "Europe/Zurich": "CH",
  "Europe/Vienna": "AT",
  "Europe/Copenhagen": "DK",
  "Europe/Stockholm": "SE",
  "Europe/Warsaw": "PL",
} as const;
export type OfferedTimeZone = keyof typeof OFFERED_TIME_ZONES;

/** Kring started in Flanders: the country when nothing else tells. */
export const DEFAULT_COUNTRY = "BE";

export function countryOfTimeZone(timeZone: string): string | undefined {
  return (OFFERED_TIME_ZONES as Record<string, string>)[timeZone];
}

/** ISO 3166-1 alpha-2, upper case (`BE`, `NL`, `FR`). */
export const CountryCode = z.string().regex(/^[A-Z]{2}$/, "must be a two-letter country code such as BE");
