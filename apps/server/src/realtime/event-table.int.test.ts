import { clientEventPayloads, type ClientEventName } from "@kring/protocol";
import { startTestServer, type TestServer } from "../testing/harness";

// The protocol's table of client events is the single list: the server handles exactly those events,
// and every one of them refuses a payload that does not satisfy its schema (an operator object where
// an id belongs, a wrong type, an unknown field) with `validation_failed`, never a crash.
describe("the client event table", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it("is exactly what the server handles", async () => {
    const user = await server.registerUser("Marie");
    const client = await server.connect(user.token);
    const serverSocket = [...server.kring.io.of("/").sockets.values()].find((socket) => socket.data.userId === user.user.id);
    expect(serverSocket).toBeDefined();
    const lifecycle = new Set(["disconnect", "disconnecting", "error"]);
    const handled = serverSocket!.eventNames().map(String).filter((name) => !lifecycle.has(name));
    expect(handled.sort()).toEqual(Object.keys(clientEventPayloads).sort());
    client.disconnect();
  });

  it("answers validation_failed to a payload outside the event's schema, for every event", async () => {
    const user = await server.registerUser("Jan");
    const circle = await server.createCircle(user.token);
    const client = await server.connect(user.token);
    const badPayloads: unknown[] = [
      { circleId: { $ne: null }, clientId: "x", body: "hi", alertId: { $ne: null }, seq: 0, afterSeq: 0, kind: "help" },
      "not an object",
      { circleId: circle.id, unexpected: true },
    ];
    for (const event of Object.keys(clientEventPayloads) as ClientEventName[]) {
      for (const payload of badPayloads) {
        const emit = client.timeout(5000).emitWithAck as (event: string, payload: unknown) => Promise<unknown>;
        const ack = await emit.call(client, event, payload);
        expect({ event, ack }).toMatchObject({ event, ack: { ok: false, error: { code: "validation_failed" } } });
      }
    }
    // The socket survived all of it.
    const sent = await client.emitWithAck("message:send", { circleId: circle.id, clientId: "after-bad-input", body: "still here" });
    expect(sent).toMatchObject({ ok: true, message: { body: "still here" } });
  });
});
