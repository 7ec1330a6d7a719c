import fs from "node:fs/promises";
import { getGlobalDevstack, setGlobalDevstack } from "./jest-global-state";

export default async function globalTeardown(): Promise<void> {
  const devstack = getGlobalDevstack();
  if (devstack === undefined) return;
  setGlobalDevstack(undefined);
  try {
    await devstack.services.stop();
  } finally {
    await fs.rm(devstack.dataDir, { recursive: true, force: true });
  }
}
