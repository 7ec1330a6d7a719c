import type { Message } from "@kring/protocol";
import { collect, eventually, sleep, startTestServer, type TestServer } from "../../testing/harness";

let server: TestServer;
beforeAll(async () => {
  // The rate limit has its own test below; here it would only slow the bulk sends down.
  server = await startTestServer({ config: { sendRatePerSecond: 10_000, sendBurst: 10_000 } });
});
afterAll(async () => {
  await server.stop();
});

/** A coordinator, a family member and a resident in one circle, each with a socket. */
async function circleOfThree() {
  const coordinator = await server.registerUser("Sofie");
  const circle = await server.createCircle(coordinator.token);
  const family = await server.addMember(coordinator.token, circle.id, "family", "Marie");
  const resident = await server.addResident(coordinator.token, circle.id, "Anna");
  return { circle, coordinator, family, resident };
}

describe("real-time messaging", () => {
  it("persists, acks with a seq, and delivers message:new once to every other socket of every member", async () => {
    const { circle, coordinator, family, resident } = await circleOfThree();
    const marieTablet = await server.connect(family.token);
    const mariePhone = await server.connect(family.token);
    const anna = await server.connect(resident.token);
    const sofie = await server.connect(coordinator.token);
    const inbox = {
      marieTablet: collect(marieTablet, "message:new"),
      mariePhone: collect(mariePhone, "message:new"),
      anna: collect(anna, "message:new"),
      sofie: collect(sofie, "message:new"),
    };

    const ack = await marieTablet.emitWithAck("message:send", { circleId: circle.id, clientId: "c-1", body: "Ik kom om 3 uur" });
    expect(ack).toEqual({
      ok: true,
      message: {
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        circleId: circle.id,
        seq: 1,
        thread: "circle",
        clientId: "c-1",
        senderId: family.user.id,
        body: "Ik kom om 3 uur",
        createdAt: expect.any(String),
      },
    });
    if (!ack.ok) throw new Error("send failed");
    expect(new Date(ack.message.createdAt).toISOString()).toBe(ack.message.createdAt);

    await eventually(() => inbox.anna.length === 1 && inbox.sofie.length === 1 && inbox.mariePhone.length === 1);
    await sleep(100);
    expect(inbox.anna).toEqual([ack.message]);
    expect(inbox.sofie).toEqual([ack.message]);
    expect(inbox.mariePhone).toEqual([ack.message]);
    expect(inbox.marieTablet).toEqual([]);

    const history = await server.request("GET", `/api/circles/${circle.id}/messages`, { token: resident.token });
    expect(history.body.messages).toEqual([ack.message]);
  });

  it("returns the stored message for a resend with the same clientId and does not broadcast it again", async () => {
    const { circle, family, resident } = await circleOfThree();
    const marie = await server.connect(family.token);
    const anna = await server.connect(resident.token);
    const received = collect(anna, "message:new");

    const first = await marie.emitWithAck("message:send", { circleId: circle.id, clientId: "same", body: "Hallo" });
    const again = await marie.emitWithAck("message:send", { circleId: circle.id, clientId: "same", body: "Hallo" });
    expect(again).toEqual(first);
    await sleep(200);
    expect(received).toHaveLength(1);
    const stored = await server.request("GET", `/api/circles/${circle.id}/messages`, { token: family.token });
    expect(stored.body.messages).toHaveLength(1);
  });

  it("gives concurrent sends from many sockets unique, gap-free seqs", async () => {
    const { circle, coordinator, family, resident } = await circleOfThree();
    const senders = await Promise.all(
      [coordinator, family, resident, family, coordinator].map((m) => server.connect(m.token)),
    );
    const acks = await Promise.all(
      senders.flatMap((socket, s) =>
        Array.from({ length: 10 }, (_, i) =>
          socket.emitWithAck("message:send", { circleId: circle.id, clientId: `s${s}-m${i}`, body: `message ${s}.${i}` }),
        ),
      ),
    );
    const seqs = acks.map((a) => (a.ok ? a.message.seq : -1)).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it("keeps seqs unique when two server nodes write to the same circle", async () => {
    const { circle, family, resident } = await circleOfThree();
    const second = await startTestServer({ dbName: server.dbName });
    try {
      const onFirst = await server.connect(family.token);
      const onSecond = await second.connect(resident.token);
      const acks = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? onSecond : onFirst).emitWithAck("message:send", { circleId: circle.id, clientId: `n${i}`, body: `node ${i % 2}` }),
        ),
      );
      expect(acks.every((a) => a.ok)).toBe(true);
      const seqs = acks.map((a) => (a.ok ? a.message.seq : -1));
      expect(new Set(seqs).size).toBe(20);
    } finally {
      await second.stop().catch(() => undefined);
    }
  });

  it("lets a client that was offline catch up with message:sync: no gap, no duplicate", async () => {
    const { circle, family, resident } = await circleOfThree();
    const marie = await server.connect(family.token);
    let anna = await server.connect(resident.token);
    const seen = new Map<number, Message>();
    const remember = (m: Message) => seen.set(m.seq, m);
    anna.on("message:new", remember);

    for (let i = 0; i < 3; i += 1) await marie.emitWithAck("message:send", { circleId: circle.id, clientId: `a${i}`, body: `before ${i}` });
    await eventually(() => seen.size === 3);
    anna.disconnect();
    for (let i = 0; i < 130; i += 1) await marie.emitWithAck("message:send", { circleId: circle.id, clientId: `b${i}`, body: `while away ${i}` });

    anna = await server.connect(resident.token);
    anna.on("message:new", remember);
    let afterSeq = Math.max(...seen.keys());
    let pages = 0;
    for (;;) {
      const page = await anna.emitWithAck("message:sync", { circleId: circle.id, afterSeq });
      if (!page.ok) throw new Error(page.error.message);
      pages += 1;
      for (const m of page.messages) {
        expect(seen.has(m.seq)).toBe(false);
        remember(m);
      }
      afterSeq = page.messages.at(-1)?.seq ?? afterSeq;
      if (!page.hasMore) break;
    }
    expect(pages).toBe(2);
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 133 }, (_, i) => i + 1));
  });

  it("pages history by afterSeq and beforeSeq, ascending", async () => {
    const { circle, family } = await circleOfThree();
    const marie = await server.connect(family.token);
    for (let i = 1; i <= 12; i += 1) await marie.emitWithAck("message:send", { circleId: circle.id, clientId: `h${i}`, body: `m${i}` });
    const get = async (query: string) =>
      (await server.request("GET", `/api/circles/${circle.id}/messages${query}`, { token: family.token })).body.messages.map((m: Message) => m.seq);
    expect(await get("")).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(await get("?limit=5")).toEqual([8, 9, 10, 11, 12]);
    expect(await get("?beforeSeq=8&limit=3")).toEqual([5, 6, 7]);
    expect(await get("?afterSeq=10")).toEqual([11, 12]);
    expect(await get("?afterSeq=2&beforeSeq=6")).toEqual([3, 4, 5]);
    expect(await get("?afterSeq=2&limit=2")).toEqual([3, 4]);
  });

  it("counts unread per circle and lets a member mark up to a seq as read", async () => {
    const { circle, family, resident } = await circleOfThree();
    const marie = await server.connect(family.token);
    const anna = await server.connect(resident.token);
    // Unread is arithmetic (newest seq − read marker), and a member's own send moves their marker:
    // Anna's own message (seq 1) comes first, so the four after it are unread for her.
    await anna.emitWithAck("message:send", { circleId: circle.id, clientId: "own", body: "mine" });
    for (let i = 0; i < 4; i += 1) await marie.emitWithAck("message:send", { circleId: circle.id, clientId: `u${i}`, body: "hi" });
    const unread = async (token: string) =>
      (await server.request("GET", "/api/circles", { token })).body.circles.find((c: { id: string }) => c.id === circle.id).unread;
    expect(await unread(resident.token)).toBe(4);
    expect(await unread(family.token)).toBe(0);

    expect(await anna.emitWithAck("message:read", { circleId: circle.id, seq: 3 })).toEqual({ ok: true });
    expect(await unread(resident.token)).toBe(2);
    // A marker never moves back, and never past the newest message.
    await anna.emitWithAck("message:read", { circleId: circle.id, seq: 1 });
    expect(await unread(resident.token)).toBe(2);
    await anna.emitWithAck("message:read", { circleId: circle.id, seq: 9999 });
    expect(await unread(resident.token)).toBe(0);
    await marie.emitWithAck("message:send", { circleId: circle.id, clientId: "later", body: "new" });
    expect(await unread(resident.token)).toBe(1);
  });

  it("joins the room of a circle joined after the socket connected", async () => {
    const coordinator = await server.registerUser();
    const circle = await server.createCircle(coordinator.token);
    const newcomer = await server.registerUser();
    const socket = await server.connect(newcomer.token);
    const received = collect(socket, "message:new");
    const invite = await server.request("POST", `/api/circles/${circle.id}/invitations`, { token: coordinator.token, body: { role: "family" } });
    await server.request("POST", `/api/invitations/${invite.body.code}/accept`, { token: newcomer.token });
    const sofie = await server.connect(coordinator.token);
    await sofie.emitWithAck("message:send", { circleId: circle.id, clientId: "welcome", body: "Welkom!" });
    await eventually(() => received.length === 1, 3000, "message on the newly joined circle");
  });

  it("rate-limits a user's sends with rate_limited and keeps the socket connected", async () => {
    const limited = await startTestServer({ config: { sendRatePerSecond: 2, sendBurst: 5 } });
    try {
      const { token } = await limited.registerUser();
      const circle = await limited.createCircle(token);
      const socket = await limited.connect(token);
      const acks = await Promise.all(
        Array.from({ length: 8 }, (_, i) => socket.emitWithAck("message:send", { circleId: circle.id, clientId: `r${i}`, body: "x" })),
      );
      expect(acks.filter((a) => a.ok)).toHaveLength(5);
      const refused = acks.filter((a) => !a.ok);
      expect(refused).toHaveLength(3);
      // retryAfterMs (issue #12): one token comes back every 500 ms at 2 per second.
      expect(refused[0]).toEqual({ ok: false, error: { code: "rate_limited", message: expect.any(String), retryAfterMs: expect.any(Number) } });
      const retryAfterMs = refused[0]?.ok === false ? refused[0].error.retryAfterMs : undefined;
      expect(retryAfterMs).toBeGreaterThan(0);
      expect(retryAfterMs).toBeLessThanOrEqual(500);
      expect(socket.connected).toBe(true);
      await sleep(600);
      const later = await socket.emitWithAck("message:send", { circleId: circle.id, clientId: "r-later", body: "x" });
      expect(later.ok).toBe(true);
    } finally {
      await limited.stop();
    }
  });
});

describe("socket authorization and bad input", () => {
  it("refuses a handshake without a valid token with connect_error 'unauthorized'", async () => {
    for (const token of [undefined, "garbage", { $ne: null } as unknown as string]) {
      await expect(server.connect(token)).rejects.toMatchObject({ message: "unauthorized" });
    }
  });

  it("refuses every event on a circle the user is not a member of", async () => {
    const { circle, family } = await circleOfThree();
    const stranger = await server.registerUser();
    const socket = await server.connect(stranger.token);
    const eavesdrop = collect(socket, "message:new");
    const forbidden = { ok: false, error: { code: "forbidden", message: expect.any(String) } };
    expect(await socket.emitWithAck("message:send", { circleId: circle.id, clientId: "x", body: "hi" })).toEqual(forbidden);
    expect(await socket.emitWithAck("message:sync", { circleId: circle.id, afterSeq: 0 })).toEqual(forbidden);
    expect(await socket.emitWithAck("message:read", { circleId: circle.id, seq: 1 })).toEqual(forbidden);
    const marie = await server.connect(family.token);
    await marie.emitWithAck("message:send", { circleId: circle.id, clientId: "private", body: "private" });
    await sleep(200);
    expect(eavesdrop).toEqual([]);
  });

  it("answers malformed payloads with validation_failed and survives them", async () => {
    const { circle, family } = await circleOfThree();
    const socket = await server.connect(family.token);
    const bad: unknown[] = [
      undefined,
      null,
      "text",
      42,
      [],
      { circleId: circle.id, clientId: "x" },
      { circleId: circle.id, clientId: "x", body: "" },
      { circleId: circle.id, clientId: "x", body: "x".repeat(4001) },
      { circleId: circle.id, clientId: "x".repeat(65), body: "hi" },
      { circleId: { $ne: null }, clientId: "x", body: "hi" },
      { circleId: circle.id, clientId: { $gt: "" }, body: "hi" },
      { circleId: circle.id, clientId: "x", body: "hi", seq: 99 },
      { circleId: "not-an-id", clientId: "x", body: "hi" },
    ];
    for (const payload of bad) {
      const ack = await (socket as any).emitWithAck("message:send", payload);
      expect(ack).toEqual({ ok: false, error: { code: "validation_failed", message: expect.any(String) } });
    }
    const syncAck = await (socket as any).emitWithAck("message:sync", { circleId: circle.id, afterSeq: "0" });
    expect(syncAck.error.code).toBe("validation_failed");
    const tooMany = await (socket as any).emitWithAck("message:sync", { circleId: circle.id, afterSeq: 0, limit: 101 });
    expect(tooMany.error.code).toBe("validation_failed");
    const unknownCircle = await socket.emitWithAck("message:send", { circleId: "aaaaaaaaaaaaaaaaaaaaaaaa", clientId: "x", body: "hi" });
    expect(unknownCircle).toMatchObject({ ok: false, error: { code: "forbidden" } });

    // Events without an ack callback are ignored; the socket stays usable and nothing is stored.
    (socket as any).emit("message:send", { circleId: circle.id, clientId: "no-ack", body: "hi" });
    (socket as any).emit("message:send");
    (socket as any).emit("no:such-event", { x: 1 }, () => undefined);
    const ok = await socket.emitWithAck("message:send", { circleId: circle.id, clientId: "after", body: "still here" });
    expect(ok).toMatchObject({ ok: true, message: { seq: 1 } });
    expect(socket.connected).toBe(true);
  });

  it("closes a socket that sends a frame over the size limit, and the server keeps serving", async () => {
    const { circle, family } = await circleOfThree();
    const socket = await server.connect(family.token);
    const disconnected = new Promise<string>((resolve) => socket.once("disconnect", resolve));
    socket.emit("message:send", { circleId: circle.id, clientId: "huge", body: "x".repeat(200_000) }, () => undefined);
    expect(await disconnected).toBe("transport close");
    const other = await server.connect(family.token);
    const ack = await other.emitWithAck("message:send", { circleId: circle.id, clientId: "fine", body: "ok" });
    expect(ack.ok).toBe(true);
  });

  it("disconnects a socket when its short-lived token expires", async () => {
    const shortLived = await startTestServer({ config: { accessTokenTtlSeconds: 1 } });
    try {
      const { token } = await shortLived.registerUser();
      const socket = await shortLived.connect(token);
      const reason = await new Promise<string>((resolve) => socket.once("disconnect", resolve));
      expect(reason).toBe("io server disconnect");
    } finally {
      await shortLived.stop();
    }
  });
});
