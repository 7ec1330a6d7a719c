import argon2 from "argon2";

/**
 * argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane): strong enough,
 * and cheap enough that a 2-core server can sign in a ward of carers at shift change.
 */
const options = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, options);
}

export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return argon2.verify(hash, password).catch(() => false);
}

let dummyHash: Promise<string> | undefined;
/** Spends the same time as a real check, so a login can't tell which emails exist. */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword("kring-dummy-password-for-timing");
  await verifyPassword(await dummyHash, password);
}
