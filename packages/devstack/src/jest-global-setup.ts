import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setGlobalDevstack } from "./jest-global-state";
import { startServices } from "./services";

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

/**
 * Starts one FerretDB and one Redis for the whole jest run in a throwaway directory. The
 * variables set here are inherited by the test workers; the KRING_TEST_* ones let a test start
 * its own instances (e.g. to restart one) without building anything.
 */
export default async function globalSetup(): Promise<void> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "kring-test-"));
  try {
    const services = await startServices({
      repoRoot: REPO_ROOT,
      dataDir,
      log: (message) => console.log(`[devstack] ${message}`),
    });
    setGlobalDevstack({ services, dataDir });
    process.env.MONGODB_URI = services.mongodbUri;
    process.env.REDIS_URL = services.redisUrl;
    if (services.ferretdbBinary !== undefined) process.env.KRING_TEST_FERRETDB_BINARY = services.ferretdbBinary;
    if (services.redisBin !== undefined) process.env.KRING_TEST_REDIS_BIN = services.redisBin;
  } catch (error) {
    await fs.rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
