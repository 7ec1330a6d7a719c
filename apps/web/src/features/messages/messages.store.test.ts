/** @jest-environment jsdom */
import type { Message } from "@kring/protocol";
import { setSocketForTests } from "../../lib/socket";
import { installFakeFetch } from "../../testing/fake-fetch";
import { FakeSocket, fakeId } from "../../testing/fake-socket";
import { advanceSyncedSeq, conversationKey, mergeMessages, selectOutboxFor, useMessagesStore } from "./messages.store";

const me = fakeId();
const other = fakeId();
const circleId = fakeId();

function message(seq: number, overrides: Partial<Message> = {}): Message {
  return {
    id: (1000 + seq).toString(16).padStart(24, "0"),
    circleId,
    seq,
    thread: "circle",
    clientId: `c-${seq}`,
    senderId: other,
    body: `message ${seq}`,
    createdAt: new Date(Date.UTC(2026, 10, 24, 10, seq)).toISOString(),
    ...overrides,
  };
}

/** Serves GET /api/circles/:id/messages from a list, as the server does (newest page). */
function serveHistory(messages: Message[]) {
  installFakeFetch(() => ({ status: 200, body: { messages } }));
}

beforeEach(() => {
  localStorage.clear();
  useMessagesStore.getState().reset();
  setSocketForTests(undefined);
});

describe("mergeMessages", () => {
  it("keeps seq order and drops duplicates by id", () => {
    const merged = mergeMessages([message(1), message(3)], [message(2), message(3), message(1)]);
    expect(merged.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it("returns the same array when nothing is new, so subscribers do not re-render", () => {
    const list = [message(1)];
    expect(mergeMessages(list, [message(1)])).toBe(list);
  });
});

describe("advanceSyncedSeq", () => {
  it("stops at the first gap", () => {
    expect(advanceSyncedSeq([message(1), message(2), message(4)], 0)).toBe(2);
  });
});

describe("the outbox", () => {
  it("persists what was typed offline and sends it once, in order, when connected", async () => {
    useMessagesStore.getState().start(me);
    serveHistory([]);
    await useMessagesStore.getState().loadLatest(circleId);

    const socket = new FakeSocket();
    socket.connected = false;
    setSocketForTests(socket.asSocket());
    useMessagesStore.getState().send(circleId, "first");
    useMessagesStore.getState().send(circleId, "second");
    expect(useMessagesStore.getState().outbox.map((i) => i.status)).toEqual(["waiting", "waiting"]);
    expect(JSON.parse(localStorage.getItem(`kring.outbox.${me}`) ?? "[]")).toHaveLength(2);

    let seq = 0;
    socket.handle("message:send", (payload) => {
      const p = payload as { clientId: string; body: string };
      seq += 1;
      return { ok: true, message: message(seq, { senderId: me, clientId: p.clientId, body: p.body }) };
    });
    socket.connected = true;
    await useMessagesStore.getState().flushOutbox();

    expect(socket.sentOf("message:send").map((p) => (p as { body: string }).body)).toEqual(["first", "second"]);
    const state = useMessagesStore.getState();
    expect(state.outbox).toEqual([]);
    expect(state.byCircle[circleId]?.messages.map((m) => m.body)).toEqual(["first", "second"]);
    expect(localStorage.getItem(`kring.outbox.${me}`)).toBe("[]");
  });

  it("survives a reload: a message left 'sending' is resent with the same clientId", async () => {
    localStorage.setItem(
      `kring.outbox.${me}`,
      JSON.stringify([{ clientId: "keep-me", circleId, senderId: me, body: "hello", createdAt: "2026-11-24T10:00:00Z", status: "sending" }]),
    );
    useMessagesStore.getState().start(me);
    expect(useMessagesStore.getState().outbox[0]?.status).toBe("waiting");

    const socket = new FakeSocket().handle("message:send", (payload) => ({
      ok: true,
      message: message(7, { senderId: me, clientId: (payload as { clientId: string }).clientId, body: "hello" }),
    }));
    setSocketForTests(socket.asSocket());
    await useMessagesStore.getState().flushOutbox();
    expect(socket.sentOf("message:send")).toEqual([{ circleId, clientId: "keep-me", body: "hello" }]);
    expect(useMessagesStore.getState().outbox).toEqual([]);
  });

  it("keeps the item waiting when the ack times out, and marks validation errors failed", async () => {
    useMessagesStore.getState().start(me);
    const socket = new FakeSocket();
    setSocketForTests(socket.asSocket());
    useMessagesStore.getState().send(circleId, "lost ack");
    await useMessagesStore.getState().flushOutbox();
    expect(useMessagesStore.getState().outbox[0]?.status).toBe("waiting");

    socket.handle("message:send", () => ({ ok: false, error: { code: "forbidden", message: "no" } }));
    await useMessagesStore.getState().flushOutbox();
    expect(useMessagesStore.getState().outbox[0]).toMatchObject({ status: "failed", errorCode: "forbidden" });
  });

  it("retries after the server's retryAfterMs on unavailable with the same clientId: nothing lost, nothing doubled", async () => {
    useMessagesStore.getState().start(me);
    serveHistory([]);
    await useMessagesStore.getState().loadLatest(circleId);
    // Plays a busy server that stores the first attempt but answers it at its deadline, refuses
    // the next one at once, then answers: idempotent by clientId, like the real one.
    const stored = new Map<string, Message>();
    const answers = ["late", "refused", "ok"];
    const sentAt: number[] = [];
    const socket = new FakeSocket().handle("message:send", (payload) => {
      const p = payload as { clientId: string; body: string };
      sentAt.push(Date.now());
      const found = stored.get(p.clientId) ?? message(stored.size + 1, { senderId: me, clientId: p.clientId, body: p.body });
      const answer = answers.shift();
      if (answer === "late") stored.set(p.clientId, found);
      if (answer !== "ok") return { ok: false, error: { code: "unavailable", message: "busy", retryAfterMs: 40 } };
      stored.set(p.clientId, found);
      return { ok: true, message: found };
    });
    setSocketForTests(socket.asSocket());

    const item = useMessagesStore.getState().send(circleId, "are you coming today?");
    await new Promise((resolve) => setTimeout(resolve, 10));
    // Refused: still in the outbox, waiting, not failed.
    expect(useMessagesStore.getState().outbox).toMatchObject([{ clientId: item!.clientId, status: "waiting" }]);
    for (let i = 0; i < 50 && useMessagesStore.getState().outbox.length > 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    const sends = socket.sentOf("message:send") as Array<{ clientId: string }>;
    expect(sends.map((p) => p.clientId)).toEqual([item!.clientId, item!.clientId, item!.clientId]);
    // Each retry waited at least the retryAfterMs the server asked for.
    expect(sentAt[1]! - sentAt[0]!).toBeGreaterThanOrEqual(35);
    expect(sentAt[2]! - sentAt[1]!).toBeGreaterThanOrEqual(35);
    expect(stored.size).toBe(1);
    const state = useMessagesStore.getState();
    expect(state.outbox).toEqual([]);
    expect(state.byCircle[circleId]?.messages.map((m) => m.body)).toEqual(["are you coming today?"]);
  });

  it("asks a sync page again after retryAfterMs when the server answers unavailable", async () => {
    useMessagesStore.getState().start(me);
    serveHistory([message(1)]);
    await useMessagesStore.getState().loadLatest(circleId);
    let calls = 0;
    const socket = new FakeSocket().handle("message:sync", () => {
      calls += 1;
      if (calls === 1) return { ok: false, error: { code: "unavailable", message: "busy", retryAfterMs: 20 } };
      return { ok: true, messages: [message(2), message(3)], hasMore: false };
    });
    setSocketForTests(socket.asSocket());
    await useMessagesStore.getState().syncAll();
    expect(socket.sentOf("message:sync")).toEqual([
      { circleId, afterSeq: 1, limit: 100 },
      { circleId, afterSeq: 1, limit: 100 },
    ]);
    expect(useMessagesStore.getState().byCircle[circleId]).toMatchObject({ syncedSeq: 3 });
  });

  it("removes an outbox item when its message arrives by sync before the ack", () => {
    useMessagesStore.getState().start(me);
    const item = useMessagesStore.getState().send(circleId, "raced");
    expect(item).toBeDefined();
    useMessagesStore.getState().receive(message(5, { senderId: me, clientId: item!.clientId, body: "raced" }));
    expect(useMessagesStore.getState().outbox).toEqual([]);
  });
});

describe("sync after a reconnect", () => {
  it("pages message:sync from the last contiguous seq and shows nothing twice", async () => {
    useMessagesStore.getState().start(me);
    serveHistory([message(1), message(2)]);
    await useMessagesStore.getState().loadLatest(circleId);
    // A live message with a gap before it (3 and 4 were missed while offline).
    useMessagesStore.getState().receive(message(5));
    expect(useMessagesStore.getState().byCircle[circleId]?.syncedSeq).toBe(2);

    const requests: unknown[] = [];
    const socket = new FakeSocket().handle("message:sync", (payload) => {
      const { afterSeq } = payload as { afterSeq: number };
      requests.push(afterSeq);
      if (afterSeq === 2) return { ok: true, messages: [message(3), message(4)], hasMore: true };
      return { ok: true, messages: [message(5), message(6)], hasMore: false };
    });
    setSocketForTests(socket.asSocket());
    await useMessagesStore.getState().syncAll();

    expect(requests).toEqual([2, 4]);
    const circle = useMessagesStore.getState().byCircle[circleId];
    expect(circle?.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(circle?.syncedSeq).toBe(6);
  });
});

describe("read markers and typing", () => {
  it("marks the newest seq read once", async () => {
    useMessagesStore.getState().start(me);
    serveHistory([message(1), message(2)]);
    await useMessagesStore.getState().loadLatest(circleId);
    const socket = new FakeSocket().handle("message:read", () => ({ ok: true }));
    setSocketForTests(socket.asSocket());
    useMessagesStore.getState().markRead(circleId);
    useMessagesStore.getState().markRead(circleId);
    expect(socket.sentOf("message:read")).toEqual([{ circleId, seq: 2 }]);
  });

  it("shows who is typing for a few seconds, and not myself", () => {
    jest.useFakeTimers();
    try {
      useMessagesStore.getState().start(me);
      useMessagesStore.getState().receiveTyping({ circleId, userId: other, name: "Marc", thread: "circle" });
      useMessagesStore.getState().receiveTyping({ circleId, userId: me, name: "Me", thread: "circle" });
      expect(useMessagesStore.getState().typingByCircle[circleId]?.map((e) => e.name)).toEqual(["Marc"]);
      jest.advanceTimersByTime(6000);
      expect(useMessagesStore.getState().typingByCircle[circleId]).toEqual([]);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe("the care-team thread", () => {
  it("keeps each thread's messages, outbox, sync and read marker apart", async () => {
    useMessagesStore.getState().start(me);
    installFakeFetch(({ path }) => ({
      status: 200,
      body: { messages: path.includes("thread=team") ? [message(1, { thread: "team", body: "team 1" })] : [message(1), message(2)] },
    }));
    await useMessagesStore.getState().loadLatest(circleId);
    await useMessagesStore.getState().loadLatest(circleId, "team");
    const key = conversationKey(circleId, "team");
    expect(useMessagesStore.getState().byCircle[circleId]?.messages.map((m) => m.body)).toEqual(["message 1", "message 2"]);
    expect(useMessagesStore.getState().byCircle[key]?.messages.map((m) => m.body)).toEqual(["team 1"]);

    // A live team message lands in the team conversation only.
    useMessagesStore.getState().receive(message(2, { id: "f".repeat(24), thread: "team", body: "team 2" }));
    expect(useMessagesStore.getState().byCircle[key]?.syncedSeq).toBe(2);
    expect(useMessagesStore.getState().byCircle[circleId]?.messages).toHaveLength(2);

    const socket = new FakeSocket()
      .handle("message:send", (payload) => {
        const p = payload as { clientId: string; body: string; thread?: "team" };
        return { ok: true, message: message(3, { id: "e".repeat(24), senderId: me, clientId: p.clientId, body: p.body, thread: p.thread ?? "circle" }) };
      })
      .handle("message:sync", () => ({ ok: true, messages: [], hasMore: false }))
      .handle("message:read", () => ({ ok: true }));
    setSocketForTests(socket.asSocket());
    useMessagesStore.getState().send(circleId, "for the team", "team");
    expect(selectOutboxFor(useMessagesStore.getState().outbox, circleId)).toEqual([]);
    expect(selectOutboxFor(useMessagesStore.getState().outbox, circleId, "team").map((i) => i.body)).toEqual(["for the team"]);
    await useMessagesStore.getState().flushOutbox();
    expect(socket.sentOf("message:send")).toEqual([{ circleId, clientId: expect.any(String), body: "for the team", thread: "team" }]);
    expect(useMessagesStore.getState().byCircle[key]?.messages.map((m) => m.body)).toEqual(["team 1", "team 2", "for the team"]);

    await useMessagesStore.getState().syncAll();
    expect(socket.sentOf("message:sync")).toEqual([
      { circleId, afterSeq: 2, limit: 100 },
      { circleId, afterSeq: 3, limit: 100, thread: "team" },
    ]);
    useMessagesStore.getState().markRead(circleId, "team");
    expect(socket.sentOf("message:read")).toEqual([{ circleId, seq: 3, thread: "team" }]);
  });
});
