import { randomInt } from "node:crypto";
import { CODE_ALPHABET as ALPHABET } from "@kring/protocol";

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
