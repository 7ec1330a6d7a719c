import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { loadOrCreateJwtSecret } from "./jwt-secret";

describe("loadOrCreateJwtSecret", () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "kring-jwt-"));
  });
  afterEach(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it("creates a private secret once and reuses it", async () => {
    const first = await loadOrCreateJwtSecret(dataDir);
    expect(first).toMatch(/^[A-Za-z0-9_-]{64}$/);
    const stat = await fs.stat(path.join(dataDir, "jwt-secret"));
    expect(stat.mode & 0o777).toBe(0o600);
    expect(await loadOrCreateJwtSecret(dataDir)).toBe(first);
  });

  it("rejects a file that holds no usable secret", async () => {
    await fs.writeFile(path.join(dataDir, "jwt-secret"), "short\n");
    await expect(loadOrCreateJwtSecret(dataDir)).rejects.toThrow("delete it");
  });
});
