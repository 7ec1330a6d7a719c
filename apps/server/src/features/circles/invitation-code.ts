import { randomInt } from "node:crypto";

// No 0/O or 1/I/L: codes are read aloud and typed by people on phones.
const ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/** 16 characters, about 79 bits: unguessable within the rate limits, short enough to dictate. */
export function generateInvitationCode(): string {
  let code = "";
  for (let i = 0; i < 16; i += 1) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/** 8 characters (about 40 bits) for pairing a tablet: typed once, valid 30 minutes, rate-limited. */
export function generatePairingCode(): string {
  let code = "";
  for (let i = 0; i < 8; i += 1) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/** Accepts what a person types: lower case, spaces or dashes between groups. */
export function normaliseInvitationCode(input: string): string {
  return input.replace(/[\s-]/g, "").toUpperCase();
}
