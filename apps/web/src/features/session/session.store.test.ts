/** @jest-environment jsdom */
import { apiRequest } from "../../lib/api";
import { installFakeFetch } from "../../testing/fake-fetch";
import { tokenExpiresAt, useSessionStore } from "./session.store";

const user = { id: "0123456789abcdef01234567", email: "marie@example.be", name: "Marie" };
const deviceToken = "d".repeat(43);

function jwt(expSeconds: number, marker: string): string {
  const encode = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${encode({ alg: "HS256" })}.${encode({ sub: user.id, exp: expSeconds, marker })}.signature`;
}

beforeEach(() => {
  localStorage.clear();
  useSessionStore.setState({ status: "restoring", user: undefined, token: undefined, deviceToken: undefined, isResidentDevice: false, endedBecause: undefined });
});

it("reads the expiry of an access token", () => {
  expect(tokenExpiresAt(jwt(1_900_000_000, "a"))).toBe(1_900_000_000_000);
  expect(tokenExpiresAt("not a token")).toBeUndefined();
});

it("restores a session from the stored device token", async () => {
  localStorage.setItem("kring.device", JSON.stringify({ deviceToken, isResidentDevice: true, user }));
  const fresh = jwt(Math.floor(Date.now() / 1000) + 900, "fresh");
  installFakeFetch((request) =>
    request.path === "/api/auth/device-token" && (request.body as { deviceToken: string }).deviceToken === deviceToken
      ? { status: 200, body: { token: fresh, user } }
      : undefined,
  );
  await useSessionStore.getState().restore();
  expect(useSessionStore.getState()).toMatchObject({ status: "signed-in", token: fresh, isResidentDevice: true, user });
});

it("renews the access token once on a 401 and retries the request", async () => {
  localStorage.setItem("kring.device", JSON.stringify({ deviceToken, isResidentDevice: false, user }));
  const stale = jwt(Math.floor(Date.now() / 1000) + 900, "stale");
  const fresh = jwt(Math.floor(Date.now() / 1000) + 900, "fresh");
  useSessionStore.setState({ status: "signed-in", user, token: stale, deviceToken });
  const fetchMock = installFakeFetch((request) => {
    if (request.path === "/api/auth/device-token") return { status: 200, body: { token: fresh, user } };
    if (request.path === "/api/me") {
      return request.token === fresh
        ? { status: 200, body: { user } }
        : { status: 401, body: { error: { code: "unauthorized", message: "expired" } } };
    }
    return undefined;
  });
  const me = await apiRequest("GET", "/api/me", { schema: { parse: (data) => data as { user: typeof user } } });
  expect(me.user.name).toBe("Marie");
  expect(fetchMock.mock.calls.map((call) => call[0])).toEqual(["/api/me", "/api/auth/device-token", "/api/me"]);
  expect(useSessionStore.getState().token).toBe(fresh);
});

it("signs a revoked tablet out and sends it back to pairing", async () => {
  localStorage.setItem("kring.device", JSON.stringify({ deviceToken, isResidentDevice: true, user }));
  installFakeFetch(() => ({ status: 401, body: { error: { code: "unauthorized", message: "revoked" } } }));
  await useSessionStore.getState().restore();
  expect(useSessionStore.getState()).toMatchObject({ status: "signed-out", endedBecause: "revoked", isResidentDevice: true });
  expect(localStorage.getItem("kring.device")).toBeNull();
});

it("stays signed in with the cached user when offline at start", async () => {
  localStorage.setItem("kring.device", JSON.stringify({ deviceToken, isResidentDevice: true, user }));
  globalThis.fetch = jest.fn(async () => {
    throw new TypeError("Failed to fetch");
  }) as unknown as typeof fetch;
  jest.useFakeTimers();
  try {
    await useSessionStore.getState().restore();
    expect(useSessionStore.getState()).toMatchObject({ status: "signed-in", user, token: undefined });
  } finally {
    jest.clearAllTimers();
    jest.useRealTimers();
  }
});
