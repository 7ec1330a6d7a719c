import type { Circle } from "@kring/protocol";
import { normaliseCode } from "@kring/protocol/codes";
import { create } from "zustand";
import { AccessTokenResponse, PairDeviceResponse, User } from "../../lib/answer-shapes";
import { ApiError, apiRequest, configureApiAuth } from "../../lib/api";
import { readStored, removeStored, writeStored } from "../../lib/storage";

// Access tokens live 15 minutes and only in memory. The long-lived, revocable device token is
// kept in localStorage and exchanged for fresh access tokens, so a tablet stays signed in for
// months and a coordinator can still cut it off.

const DEVICE_KEY = "kring.device";
/** Renew this long before the access token expires. */
const RENEW_MARGIN_MS = 60_000;
const RETRY_OFFLINE_MS = 5_000;

type StoredDevice = { deviceToken: string; isResidentDevice: boolean; user: User | null };

function parseStoredDevice(value: unknown): StoredDevice | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.deviceToken !== "string") return undefined;
  const user = User.safeParse(record.user);
  return { deviceToken: record.deviceToken, isResidentDevice: record.isResidentDevice === true, user: user.success ? user.data : null };
}

type SessionStatus = "restoring" | "signed-out" | "signed-in";

type SessionState = {
  status: SessionStatus;
  user: User | undefined;
  token: string | undefined;
  deviceToken: string | undefined;
  /** A paired resident tablet: when signed out it shows the pairing screen, never a password form. */
  isResidentDevice: boolean;
  /** Why the last session ended on its own (the coordinator disconnected this tablet). */
  endedBecause: "revoked" | undefined;
  restore(): Promise<void>;
  /** Starts a session from a sign-in, sign-up or pairing answer. */
  beginSession(data: { token: string; user: User; deviceToken: string }, isResidentDevice: boolean): void;
  pair(code: string, deviceName?: string): Promise<Circle>;
  /** A fresh access token; undefined when the device session is gone (signed out). Throws on network errors. */
  renewToken(): Promise<string | undefined>;
  signOut(): Promise<void>;
};

/** Seconds-since-epoch expiry from the JWT payload, without verifying it (the server does). */
export function tokenExpiresAt(token: string): number | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(payload.length / 4) * 4, "="));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === "number" ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

let renewTimer: ReturnType<typeof setTimeout> | undefined;
let renewing: Promise<string | undefined> | undefined;

function clearRenewTimer(): void {
  if (renewTimer !== undefined) clearTimeout(renewTimer);
  renewTimer = undefined;
}

export const useSessionStore = create<SessionState>()((set, get) => {
  const scheduleRenewal = (token: string) => {
    clearRenewTimer();
    const expiresAt = tokenExpiresAt(token) ?? Date.now() + 14 * 60_000;
    const delay = Math.max(10_000, expiresAt - Date.now() - RENEW_MARGIN_MS);
    renewTimer = setTimeout(() => void get().renewToken().catch(() => scheduleRetry()), delay);
  };
  const scheduleRetry = () => {
    clearRenewTimer();
    renewTimer = setTimeout(() => void get().renewToken().catch(() => scheduleRetry()), RETRY_OFFLINE_MS);
  };

  const startSession = (data: { token: string; user: User; deviceToken: string }, isResidentDevice: boolean) => {
    writeStored(DEVICE_KEY, { deviceToken: data.deviceToken, isResidentDevice, user: data.user } satisfies StoredDevice);
    if (isResidentDevice) writeStored(DEVICE_KEY + ".resident", true);
    else removeStored(DEVICE_KEY + ".resident");
    set({
      status: "signed-in",
      user: data.user,
      token: data.token,
      deviceToken: data.deviceToken,
      isResidentDevice,
      endedBecause: undefined,
    });
    scheduleRenewal(data.token);
  };

  const endSession = (reason: "revoked" | undefined) => {
    clearRenewTimer();
    const { isResidentDevice } = get();
    removeStored(DEVICE_KEY);
    // A tablet that was paired keeps going back to the pairing screen.
    if (isResidentDevice) writeStored(DEVICE_KEY + ".resident", true);
    set({ status: "signed-out", user: undefined, token: undefined, deviceToken: undefined, endedBecause: reason });
  };

  return {
    status: "restoring",
    user: undefined,
    token: undefined,
    deviceToken: undefined,
    isResidentDevice: readStored(DEVICE_KEY + ".resident", (value) => value === true) ?? false,
    endedBecause: undefined,

    async restore() {
      const stored = readStored(DEVICE_KEY, parseStoredDevice);
      if (!stored) {
        set({ status: "signed-out" });
        return;
      }
      set({ deviceToken: stored.deviceToken, isResidentDevice: stored.isResidentDevice });
      try {
        const token = await get().renewToken();
        if (token === undefined) return;
      } catch {
        // Offline at start: show the app with the cached user; what they do is queued, and
        // the token is fetched as soon as the network is back.
        if (stored.user) {
          set({ status: "signed-in", user: stored.user });
          scheduleRetry();
        } else {
          set({ status: "signed-out" });
        }
      }
    },

    beginSession(data, isResidentDevice) {
      startSession(data, isResidentDevice);
    },

    async pair(code, deviceName) {
      const data = await apiRequest("POST", "/api/devices/pair", {
        // Codes are shown in capitals; people type them as they like.
        body: { code: normaliseCode(code), ...(deviceName ? { deviceName } : {}) },
        schema: PairDeviceResponse,
        isAuthenticated: false,
      });
      startSession(data, true);
      return data.circle;
    },

    renewToken() {
      // One exchange at a time: a 401 burst from several requests must not spend the device
      // token several times in parallel.
      if (renewing) return renewing;
      const deviceToken = get().deviceToken;
      if (deviceToken === undefined) return Promise.resolve(undefined);
      renewing = (async () => {
        try {
          const data = await apiRequest("POST", "/api/auth/device-token", {
            body: { deviceToken },
            schema: AccessTokenResponse,
            isAuthenticated: false,
          });
          startSession({ ...data, deviceToken }, get().isResidentDevice);
          return data.token;
        } catch (error) {
          if (error instanceof ApiError && (error.status === 401 || error.status === 400)) {
            endSession("revoked");
            return undefined;
          }
          throw error;
        } finally {
          renewing = undefined;
        }
      })();
      return renewing;
    },

    async signOut() {
      const { deviceToken } = get();
      removeStored(DEVICE_KEY + ".resident");
      set({ isResidentDevice: false });
      endSession(undefined);
      if (deviceToken !== undefined) {
        // Best effort: the token is already forgotten here, the server revokes it if reachable.
        await apiRequest("POST", "/api/auth/logout", { body: { deviceToken }, isAuthenticated: false }).catch(() => undefined);
      }
    },
  };
});

configureApiAuth({
  getToken: () => useSessionStore.getState().token,
  renewToken: () => useSessionStore.getState().renewToken(),
});

/** Re-check the token when a sleeping tab or tablet wakes up: its timers may not have fired. */
if (typeof document !== "undefined") {
  document.addEventListener("visibilitychange", () => {
    const { token, status } = useSessionStore.getState();
    if (document.visibilityState !== "visible" || status !== "signed-in" || token === undefined) return;
    const expiresAt = tokenExpiresAt(token);
    if (expiresAt !== undefined && expiresAt - Date.now() < RENEW_MARGIN_MS) {
      void useSessionStore.getState().renewToken().catch(() => undefined);
    }
  });
}
