import { loadDevstackConfig } from "@kring/config";
import { startFerretdb } from "@kring/devstack";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { startTestServer } from "./testing/harness";

describe("health", () => {
  it("answers /healthz and /readyz when the database and Redis answer", async () => {
    const server = await startTestServer();
    try {
      expect((await server.request("GET", "/healthz")).body).toEqual({ status: "ok" });
      const ready = await server.request("GET", "/readyz");
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({ status: "ready", checks: { database: true, redis: true } });
    } finally {
      await server.stop();
    }
  });

  it("reports not ready (503) while Redis is unreachable, and stays up", async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const server = await startTestServer({ redisUrl: `redis://127.0.0.1:${closedPort}` });
    try {
      const ready = await server.request("GET", "/readyz");
      expect(ready.status).toBe(503);
      expect(ready.body.checks).toEqual({ database: true, redis: false });
      expect((await server.request("GET", "/healthz")).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});

describe("graceful shutdown", () => {
  it("finishes in-flight sends on close: every acknowledged message is in the database", async () => {
    const server = await startTestServer({ config: { sendRatePerSecond: 10_000, sendBurst: 10_000 } });
    const { token } = await server.registerUser();
    const circle = await server.createCircle(token);
    const socket = await server.connect(token);
    const acks: Promise<unknown>[] = [];
    for (let i = 0; i < 60; i += 1) {
      acks.push(
        socket
          .timeout(5000)
          .emitWithAck("message:send", { circleId: circle.id, clientId: `drain-${i}`, body: `message ${i}` })
          .catch(() => ({ ok: false, error: { code: "no_ack" } })),
      );
    }
    // Close as soon as the first send is acknowledged, while the others are still in flight.
    await acks[0];
    const closing = server.kring.close();
    const results = (await Promise.all(acks)) as { ok: boolean; message?: { clientId: string; seq: number }; error?: { code: string } }[];
    await closing;

    const acknowledged = results.filter((r) => r.ok).map((r) => r.message!);
    const refused = results.filter((r) => !r.ok).map((r) => r.error!.code);
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(new Set(refused)).toEqual(new Set(refused.filter((c) => c === "unavailable" || c === "no_ack")));

    const stored = await server.connection.collection("messages").find({}).toArray();
    const storedClientIds = new Set(stored.map((m) => m.clientId as string));
    for (const message of acknowledged) expect(storedClientIds.has(message.clientId)).toBe(true);
    await server.stop();
  });

  it("refuses new connections once draining", async () => {
    const server = await startTestServer();
    const { token } = await server.registerUser();
    await server.kring.close();
    await expect(server.connect(token)).rejects.toBeDefined();
    await server.stop();
  });
});

describe("restart persistence", () => {
  it("keeps messages, seqs and read markers across a restart of the server and the database", async () => {
    const services = loadDevstackConfig();
    const binary = services.testFerretdbBinary;
    if (!binary) throw new Error("KRING_TEST_FERRETDB_BINARY must be set by the jest global setup");
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "kring-restart-"));
    const start = () =>
      startFerretdb({
        binary,
        dataDir,
        backend: services.ferretdbBackend,
        postgresqlUrl: services.ferretdbPostgresqlUrl,
      });
    try {
      let database = await start();
      let server = await startTestServer({ mongodbUri: database.uri, dbName: "kring" });
      const { token, user } = await server.registerUser("Marie");
      const circle = await server.createCircle(token);
      let socket = await server.connect(token);
      for (let i = 1; i <= 5; i += 1) {
        await socket.emitWithAck("message:send", { circleId: circle.id, clientId: `p${i}`, body: `before restart ${i}` });
      }
      await server.stop({ keepData: true });
      await database.stop();

      database = await start();
      server = await startTestServer({ mongodbUri: database.uri, dbName: "kring" });
      const login = await server.request("POST", "/api/auth/login", {
        body: { email: user.email, password: "correct horse battery" },
      });
      expect(login.status).toBe(200);
      socket = await server.connect(login.body.token);
      const synced = await socket.emitWithAck("message:sync", { circleId: circle.id, afterSeq: 0 });
      expect(synced.ok && synced.messages.map((m) => m.body)).toEqual([1, 2, 3, 4, 5].map((i) => `before restart ${i}`));
      const resend = await socket.emitWithAck("message:send", { circleId: circle.id, clientId: "p3", body: "before restart 3" });
      expect(resend.ok && resend.message.seq).toBe(3);
      const next = await socket.emitWithAck("message:send", { circleId: circle.id, clientId: "p6", body: "after restart" });
      expect(next.ok && next.message.seq).toBe(6);
      await server.stop();
      await database.stop();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
