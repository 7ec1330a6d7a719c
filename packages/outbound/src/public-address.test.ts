import http from "node:http";
import { createPublicOnlyLookup, isPublicAddress, isPublicUrl, NonPublicAddressError } from "./public-address";

describe("isPublicAddress", () => {
  it.each([
    "127.0.0.1",
    "127.12.0.9",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fd00::1",
    "fc00::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "not an address",
    "localhost",
  ])("refuses %s", (ip) => {
    expect(isPublicAddress(ip)).toBe(false);
  });

  it.each(["8.8.8.8", "142.250.74.202", "172.32.0.1", "2a00:1450:4001:82b::200a", "::ffff:8.8.8.8"])("accepts %s", (ip) => {
    expect(isPublicAddress(ip)).toBe(true);
  });
});

describe("isPublicUrl", () => {
  it("checks IP literals and what a name resolves to", async () => {
    const resolve = async (host: string) => (host === "evil.example" ? ["127.0.0.1"] : ["142.250.74.202"]);
    expect(await isPublicUrl("https://127.0.0.1:4700/internal-admin/reset?all=1", { resolve })).toBe(false);
    expect(await isPublicUrl("https://[::1]/x", { resolve })).toBe(false);
    expect(await isPublicUrl("https://evil.example/push", { resolve })).toBe(false);
    expect(await isPublicUrl("https://fcm.googleapis.com/fcm/send/abc", { resolve })).toBe(true);
  });
});

describe("createPublicOnlyLookup", () => {
  it("never lets a request connect to a name that resolves to a loopback address", async () => {
    let reached = 0;
    const server = http.createServer((_req, res) => {
      reached += 1;
      res.end("internal");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const lookup = createPublicOnlyLookup({ resolve: async () => ["127.0.0.1"] });
    const error = await new Promise<Error>((resolve) => {
      const req = http.request({ host: "rebound.example", port, lookup, path: "/" }, () => resolve(new Error("connected")));
      req.on("error", resolve);
      req.end();
    });
    await new Promise((resolve) => server.close(resolve));
    expect(error).toBeInstanceOf(NonPublicAddressError);
    expect(reached).toBe(0);
  });
});
