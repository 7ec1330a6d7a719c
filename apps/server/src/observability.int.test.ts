import { createLogger } from "@kring/logger";
import { Writable } from "node:stream";
import { loggablePath } from "./http/request-log";
import { type ClientSocket, startTestServer, type TestServer, testConfig } from "./testing/harness";

// What an operator sees: Prometheus metrics behind a token, and one log line per HTTP request
// that never carries a token, a body or an invitation code.

const ack = (socket: ClientSocket, event: string, payload: unknown) =>
  (socket as unknown as { emitWithAck(event: string, payload: unknown): Promise<any> }).emitWithAck(event, payload);

const logLines: Array<Record<string, unknown>> = [];
const destination = new Writable({
  write(chunk: Buffer, _encoding, callback) {
    for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
    callback();
  },
});

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ logger: createLogger({ level: "info", destination }) });
});
afterAll(async () => {
  await server.stop();
});

const scrape = async (token?: string) => {
  const response = await fetch(`${server.baseUrl}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: response.status, text: await response.text() };
};

describe("/metrics", () => {
  it("answers only to the metrics token", async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape("not-the-metrics-token-0123456789")).status).toBe(401);
    // The operator token is for queue health, not for metrics.
    expect((await scrape(testConfig.operatorToken)).status).toBe(401);
  });

  it("counts sockets, times acks by event and outcome, and reads queue depths", async () => {
    const coordinator = await server.registerUser("Sofie");
    const circle = await server.createCircle(coordinator.token);
    const socket = await server.connect(coordinator.token);
    expect((await ack(socket, "message:send", { circleId: circle.id, clientId: "metrics-1", body: "Hello" })).ok).toBe(true);
    const refused = await ack(socket, "message:send", { circleId: circle.id, clientId: "metrics-2", body: { $ne: null } });
    expect(refused.error.code).toBe("validation_failed");

    const { status, text } = await scrape(testConfig.metricsToken);
    expect(status).toBe(200);
    expect(text).toMatch(/^kring_sockets_connected 1$/m);
    expect(text).toMatch(/^kring_socket_event_seconds_count\{event="message:send",outcome="ok"\} 1$/m);
    expect(text).toMatch(/^kring_socket_event_seconds_count\{event="message:send",outcome="validation_failed"\} 1$/m);
    // The message queued its circle's digest check.
    expect(text).toMatch(/^kring_queue_jobs\{queue="kring-digests",state="delayed"\} 1$/m);
    // Nothing personal in any label.
    expect(text).not.toContain(circle.id);
    expect(text).not.toContain(coordinator.user.id);
  });

  it("gives an event a client made up no label of its own", async () => {
    const user = await server.registerUser();
    const socket = await server.connect(user.token);
    (socket as unknown as { emit(event: string, ...args: unknown[]): void }).emit("made:up-event", {}, () => undefined);
    await ack(socket, "message:send", { circleId: "0".repeat(24), clientId: "metrics-3", body: "x" });
    const { text } = await scrape(testConfig.metricsToken);
    expect(text).not.toContain("made:up-event");
  });

  it("does not exist without METRICS_TOKEN", async () => {
    const plain = await startTestServer({ config: { metricsToken: undefined } });
    try {
      expect((await plain.request("GET", "/metrics", { token: testConfig.metricsToken })).status).toBe(404);
    } finally {
      await plain.stop();
    }
  });
});

describe("request logs", () => {
  it("logs method, path and status, with invitation codes and tokens left out", async () => {
    const coordinator = await server.registerUser("Sofie");
    const circle = await server.createCircle(coordinator.token);
    const invite = await server.request("POST", `/api/circles/${circle.id}/invitations`, { token: coordinator.token, body: { role: "family" } });
    await server.request("GET", `/api/invitations/${invite.body.code}?x=1`, { token: coordinator.token });

    const requests = logLines.filter((line) => line.message === "request");
    const preview = requests.find((line) => (line.req as { path?: string }).path === "/api/invitations/:code");
    expect(preview).toMatchObject({ level: "info", req: { method: "GET" }, res: { status: 200 } });
    expect(typeof preview?.responseTime).toBe("number");
    const everything = JSON.stringify(logLines);
    expect(everything).not.toContain(invite.body.code);
    expect(everything).not.toContain(coordinator.token);
    expect(everything).not.toContain("correct horse battery");
    // Probes are not logged.
    await server.request("GET", "/healthz");
    expect(logLines.some((line) => (line.req as { path?: string } | undefined)?.path === "/healthz")).toBe(false);
  });

  it("keeps the path and drops the query and codes", () => {
    expect(loggablePath("/api/circles/abc/messages?before=10")).toBe("/api/circles/abc/messages");
    expect(loggablePath("/api/invitations/K7M2-P9QX/accept")).toBe("/api/invitations/:code/accept");
    expect(loggablePath("/join/K7M2P9QX")).toBe("/join/:code");
  });
});
