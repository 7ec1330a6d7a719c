import { loadDevstackConfig } from "@kring/config";
import { startFerretdb, type FerretdbHandle } from "@kring/devstack";
import type { Message, MessageSendAck } from "@kring/protocol";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { AppConfig } from "./create-app";
import { type ClientSocket, collect, eventually, sleep, startTestServer, type TestServer } from "./testing/harness";

// Overload answers with real parts: a FerretDB of this file's own that we pause with SIGSTOP, so a
// store really hangs in the database (as under a load it cannot keep up with), real sockets, and
// the server's real work gate with a tiny bound or deadline from its config.

let database: FerretdbHandle;
let dataDir: string;

beforeAll(async () => {
  const services = loadDevstackConfig();
  const binary = services.testFerretdbBinary;
  if (!binary) throw new Error("KRING_TEST_FERRETDB_BINARY must be set by the jest global setup");
  dataDir = await mkdtemp(path.join(os.tmpdir(), "kring-overload-"));
  database = await startFerretdb({ binary, dataDir, backend: services.ferretdbBackend, postgresqlUrl: services.ferretdbPostgresqlUrl });
});

afterAll(async () => {
  resumeDatabase();
  await database?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

let isPaused = false;
function pauseDatabase() {
  process.kill(database.pid, "SIGSTOP");
  isPaused = true;
}
function resumeDatabase() {
  if (!isPaused) return;
  process.kill(database.pid, "SIGCONT");
  isPaused = false;
}

type Timed = { ack: MessageSendAck; answeredAt: number };

/** Emits a send and records when its answer came; the ack timeout is far above any deadline used here. */
function send(socket: ClientSocket, circleId: string, clientId: string): Promise<Timed> {
  return socket
    .timeout(20_000)
    .emitWithAck("message:send", { circleId, clientId, body: `body of ${clientId}` })
    .then((ack) => ({ ack, answeredAt: performance.now() }));
}

async function setUp(config: Partial<AppConfig>) {
  const server = await startTestServer({
    mongodbUri: database.uri,
    config: { sendRatePerSecond: 10_000, sendBurst: 10_000, ...config },
  });
  const coordinator = await server.registerUser("Marie");
  const circle = await server.createCircle(coordinator.token);
  const family = await server.addMember(coordinator.token, circle.id, "family", "Jan");
  const sender = await server.connect(coordinator.token);
  const other = await server.connect(family.token);
  const received = collect(other, "message:new");
  // Warm the node's caches (membership, last seq) so the paused database only holds the insert.
  const warm = await send(sender, circle.id, "warm-up");
  expect(warm.ack.ok).toBe(true);
  await eventually(() => received.length === 1, 5000, "the warm-up fan-out");
  return { server, circle, sender, other, received };
}

async function syncAll(socket: ClientSocket, circleId: string): Promise<Message[]> {
  const ack = await socket.emitWithAck("message:sync", { circleId, afterSeq: 0, limit: 100 });
  if (!ack.ok) throw new Error(`sync failed: ${ack.error.code}`);
  return ack.messages;
}

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

describe("overload", () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    resumeDatabase();
    await server?.stop();
    server = undefined;
  });

  it("refuses a send past the node's bound at once with unavailable + retryAfterMs; the resend stores it exactly once", async () => {
    const setup = await setUp({ maxInFlight: 1, workDeadlineMs: 10_000, retryAfterMs: 200 });
    server = setup.server;
    const { circle, sender, received } = setup;

    pauseDatabase();
    const first = send(sender, circle.id, "first");
    await eventually(() => setup.server.kring.gate.inFlight() === 1, 5000, "the first send to take the only slot");
    const refused = await send(sender, circle.id, "second");
    expect(refused.ack).toEqual({
      ok: false,
      error: { code: "unavailable", message: expect.any(String), retryAfterMs: expect.any(Number) },
    });
    const retryAfterMs = (refused.ack as { error: { retryAfterMs: number } }).error.retryAfterMs;
    expect(retryAfterMs).toBeGreaterThanOrEqual(200);
    expect(retryAfterMs).toBeLessThanOrEqual(400);

    resumeDatabase();
    const stored = await first;
    expect(stored.ack.ok).toBe(true);
    // Refused at once, not queued: it was answered while the first send was still waiting.
    expect(refused.answeredAt).toBeLessThan(stored.answeredAt);

    await sleep(retryAfterMs);
    const resent = await send(sender, circle.id, "second");
    expect(resent.ack.ok).toBe(true);
    const again = await send(sender, circle.id, "second");
    expect(again.ack.ok && again.ack.message.seq).toBe(resent.ack.ok && resent.ack.message.seq);

    const messages = await syncAll(sender, circle.id);
    expect(countBy(messages, (m) => m.clientId)).toEqual({ "warm-up": 1, first: 1, second: 1 });
    expect(messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    await sleep(200);
    expect(countBy(received, (m) => m.clientId)).toEqual({ "warm-up": 1, first: 1, second: 1 });
  });

  it("answers unavailable at the deadline when the database hangs; the late store is fanned out once and the resend finds it", async () => {
    const setup = await setUp({ maxInFlight: 2, workDeadlineMs: 600, retryAfterMs: 100 });
    server = setup.server;
    const { circle, sender, received } = setup;

    pauseDatabase();
    const x = send(sender, circle.id, "x");
    const y = send(sender, circle.id, "y");
    await eventually(() => setup.server.kring.gate.inFlight() === 2, 5000, "both sends to be admitted");
    const z = await send(sender, circle.id, "z");
    const [timedOutX, timedOutY] = await Promise.all([x, y]);
    for (const timed of [timedOutX, timedOutY, z]) {
      expect(timed.ack).toEqual({
        ok: false,
        error: { code: "unavailable", message: expect.any(String), retryAfterMs: expect.any(Number) },
      });
    }
    // z met a full node and was refused before the deadline answered x.
    expect(z.answeredAt).toBeLessThan(timedOutX.answeredAt);
    // x and y still hold their slots: their inserts are waiting in the database, not forgotten.
    expect(setup.server.kring.gate.inFlight()).toBe(2);

    resumeDatabase();
    await eventually(() => setup.server.kring.gate.inFlight() === 0, 10_000, "the late stores to settle");
    // Overload leaves no queue behind: the node is ready again at once.
    let readyStatus = 0;
    await eventually(() => readyStatus === 200, 10_000, "/readyz to answer 200", async () => {
      readyStatus = (await setup.server.request("GET", "/readyz")).status;
    });

    // The late stores reached the other member once each, although their sender got "unavailable".
    await eventually(() => received.length === 3, 5000, "the late fan-out");
    for (const clientId of ["x", "y", "z"]) {
      const resent = await send(sender, circle.id, clientId);
      expect(resent.ack.ok).toBe(true);
    }
    const messages = await syncAll(sender, circle.id);
    expect(countBy(messages, (m) => m.clientId)).toEqual({ "warm-up": 1, x: 1, y: 1, z: 1 });
    expect(messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    // x and y were stored before the resends, in the order sent; z only by its resend.
    expect(messages.map((m) => m.clientId)).toEqual(["warm-up", "x", "y", "z"]);
    await sleep(200);
    expect(countBy(received, (m) => m.clientId)).toEqual({ "warm-up": 1, x: 1, y: 1, z: 1 });
    expect((await setup.server.request("GET", "/healthz")).status).toBe(200);
  });
});
