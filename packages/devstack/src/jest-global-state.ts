import type { Services } from "./services";

type GlobalDevstack = { services: Services; dataDir: string };

// Jest loads globalSetup and globalTeardown as separate modules in the same process; globalThis is
// what they share.
const KEY = "__kringDevstack";

export function setGlobalDevstack(value: GlobalDevstack | undefined): void {
  (globalThis as Record<string, unknown>)[KEY] = value;
}

export function getGlobalDevstack(): GlobalDevstack | undefined {
  return (globalThis as Record<string, unknown>)[KEY] as GlobalDevstack | undefined;
}
