import type { CountryCode } from "libphonenumber-js/min";
import { DomainError } from "../errors";
import { normalisePhone } from "./resident-profiles.service";

/**
 * A phone number for text messages as typed ("0470 12 34 56", "+32 470/12.34.56") → E.164
 * ("+32470123456"), reading a national number in `country` (one parser for the whole app:
 * `normalisePhone`). Anything that is not a valid number is refused with `validation_failed`, so an
 * SMS never goes to a half-typed number.
 */
export function normalisePhoneNumber(input: string, country: string): string {
  const e164 = normalisePhone(input, country as CountryCode);
  if (e164 === null) {
    throw new DomainError(
      "validation_failed",
      `"${input.slice(0, 40)}" is not a phone number we can send text messages to. Type it like 0470 12 34 56 or +32 470 12 34 56.`,
    );
  }
  return e164;
}
