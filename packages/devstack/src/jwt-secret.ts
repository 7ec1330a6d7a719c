import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";

const FILE = "jwt-secret";

/**
 * The development JWT secret lives in <dataDir>/jwt-secret so logins survive restarts without the
 * developer having to invent one; it is created once, readable only by its owner.
 */
export async function loadOrCreateJwtSecret(dataDir: string): Promise<string> {
  const file = path.join(dataDir, FILE);
  await fs.mkdir(dataDir, { recursive: true });
  const fresh = randomBytes(48).toString("base64url");
  try {
    // "wx" fails if the file exists, so a secret is never overwritten (sessions would all break).
    await fs.writeFile(file, `${fresh}\n`, { mode: 0o600, flag: "wx" });
    return fresh;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const existing = (await fs.readFile(file, "utf8")).trim();
  if (existing.length < 32) {
    throw new Error(`${file} does not hold a usable JWT secret (32+ characters): delete it to get a new one, or set JWT_SECRET.`);
  }
  return existing;
}
