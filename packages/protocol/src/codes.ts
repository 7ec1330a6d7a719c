// Invitation and pairing codes: one alphabet and one normalisation for the server that makes and
// checks them and the web client that sends what a person typed.

/** No 0/O or 1/I/L: codes are read aloud and typed by people on phones. */
export const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/** Accepts what a person types or a link carries: lower case, spaces or dashes between groups. */
export function normaliseCode(input: string): string {
  return input.replace(/[\s-]/g, "").toUpperCase();
}
