/** @jest-environment jsdom */
import { FakeSocket } from "../testing/fake-socket";
import { createOutbox, type OutboxEntry, type OutboxOptions } from "./outbox";
import { setSocketForTests } from "./socket";

type Note = OutboxEntry & { text: string };

const userId = "u1";
const storageKey = `kring.test-outbox.${userId}`;

/** An outbox over a plain array, as a store would hold it, sending `message:send` with the note's text. */
function setUp(overrides: Partial<OutboxOptions<Note, { message: { clientId: string } }>> = {}) {
  let entries: Note[] = [];
  const accepted: string[] = [];
  const outbox = createOutbox<Note, { message: { clientId: string } }>({
    storagePrefix: "kring.test-outbox.",
    parseEntry: (record) => (typeof record.text === "string" ? { clientId: record.clientId, text: record.text, status: record.status === "failed" ? "failed" : "sending" } : undefined),
    userId: () => userId,
    entries: () => entries,
    setEntries: (next) => {
      entries = next;
    },
    emit: (socket, note) => socket.emitWithAck("message:send", { circleId: "c", clientId: note.clientId, body: note.text }),
    accept: (note) => {
      accepted.push(note.clientId);
    },
    retryAfterTimeoutMs: 30,
    ...overrides,
  });
  return { outbox, accepted, entries: () => entries };
}

function note(clientId: string, text = clientId): Note {
  return { clientId, text, status: "waiting" };
}

const stored = () => JSON.parse(localStorage.getItem(storageKey) ?? "null") as unknown;
const sentClientIds = (socket: FakeSocket) => socket.sentOf("message:send").map((p) => (p as { clientId: string }).clientId);
const ok = (payload: unknown) => ({ ok: true, message: { clientId: (payload as { clientId: string }).clientId } });

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

let outboxes: Array<{ stop(): void }> = [];
beforeEach(() => {
  localStorage.clear();
  setSocketForTests(undefined);
});
afterEach(() => {
  for (const outbox of outboxes) outbox.stop();
  outboxes = [];
});

function track<T extends { outbox: { stop(): void } }>(value: T): T {
  outboxes.push(value.outbox);
  return value;
}

it("persists every change, and reloads what was left (a 'sending' entry waits again; junk is dropped)", () => {
  const { outbox } = track(setUp());
  outbox.add(note("a"));
  outbox.update("a", { status: "sending" });
  expect(stored()).toEqual([{ clientId: "a", text: "a", status: "sending" }]);

  localStorage.setItem(storageKey, JSON.stringify([{ clientId: "a", text: "a", status: "sending" }, { clientId: "b", text: "b", status: "failed" }, { text: "no id" }, 7, null]));
  expect(outbox.load(userId)).toEqual([
    { clientId: "a", text: "a", status: "waiting" },
    { clientId: "b", text: "b", status: "failed" },
  ]);
  localStorage.setItem(storageKey, "not json");
  expect(outbox.load(userId)).toEqual([]);
});

it("sends nothing while offline, then everything once, in order, on the next flush (a reconnect)", async () => {
  const { outbox, accepted, entries } = track(setUp());
  const socket = new FakeSocket().handle("message:send", ok);
  socket.connected = false;
  setSocketForTests(socket.asSocket());
  outbox.add(note("first"));
  outbox.add(note("second"));
  await outbox.flush();
  expect(socket.sentOf("message:send")).toEqual([]);
  expect(entries().map((e) => e.status)).toEqual(["waiting", "waiting"]);

  socket.connected = true;
  await outbox.flush();
  await outbox.flush();
  expect(sentClientIds(socket)).toEqual(["first", "second"]);
  expect(accepted).toEqual(["first", "second"]);
  expect(entries()).toEqual([]);
  expect(stored()).toEqual([]);
});

it("runs one flush at a time: a flush asked for meanwhile waits for it and sends nothing twice", async () => {
  const { outbox, entries } = track(setUp());
  let release = () => {};
  const socket = new FakeSocket().handle("message:send", (payload) => new Promise((resolve) => (release = () => resolve(ok(payload)))));
  setSocketForTests(socket.asSocket());
  outbox.add(note("a"));
  const first = outbox.flush();
  const second = outbox.flush();
  expect(entries()[0]).toMatchObject({ status: "sending", wasSent: true });
  release();
  await Promise.all([first, second]);
  expect(sentClientIds(socket)).toEqual(["a"]);
  expect(entries()).toEqual([]);
});

it("resends with the same clientId after an ack that never came, and keeps the entry until the server's ok", async () => {
  const { outbox, entries } = track(setUp());
  const socket = new FakeSocket(); // no handler: the ack times out
  setSocketForTests(socket.asSocket());
  outbox.add(note("a"));
  await outbox.flush();
  expect(entries()).toEqual([{ clientId: "a", text: "a", status: "waiting", wasSent: true, retry: "busy" }]);

  socket.handle("message:send", ok);
  await waitFor(() => entries().length === 0);
  expect(sentClientIds(socket)).toEqual(["a", "a"]);
});

it("waits the retryAfterMs a busy server asks for (unavailable, rate_limited), then resends the same clientId", async () => {
  const { outbox, entries } = track(setUp());
  const answers = [
    { ok: false, error: { code: "unavailable", message: "busy", retryAfterMs: 40 } },
    { ok: false, error: { code: "rate_limited", message: "slow down", retryAfterMs: 40 } },
  ];
  const sentAt: number[] = [];
  const socket = new FakeSocket().handle("message:send", (payload) => {
    sentAt.push(Date.now());
    return answers.shift() ?? ok(payload);
  });
  setSocketForTests(socket.asSocket());
  outbox.add(note("a"));
  outbox.add(note("b"));
  await outbox.flush();
  // Refused for now: waiting, not failed, and the next one is not sent past it.
  expect(entries().map((e) => [e.clientId, e.status, e.retry])).toEqual([
    ["a", "waiting", "busy"],
    ["b", "waiting", undefined],
  ]);
  expect(sentClientIds(socket)).toEqual(["a"]);

  await waitFor(() => entries().length === 0);
  expect(sentClientIds(socket)).toEqual(["a", "a", "a", "b"]);
  expect(sentAt[1]! - sentAt[0]!).toBeGreaterThanOrEqual(35);
  expect(sentAt[2]! - sentAt[1]!).toBeGreaterThanOrEqual(35);
});

it("marks a definitive refusal failed (kept, with its code), goes on with the next, and resends it on retry", async () => {
  const { outbox, entries, accepted } = track(setUp());
  let isRefusing = true;
  const socket = new FakeSocket().handle("message:send", (payload) => {
    const { clientId } = payload as { clientId: string };
    if (clientId === "a" && isRefusing) return { ok: false, error: { code: "forbidden", message: "no" } };
    return ok(payload);
  });
  setSocketForTests(socket.asSocket());
  outbox.add(note("a"));
  outbox.add(note("b"));
  await outbox.flush();
  expect(entries()).toEqual([{ clientId: "a", text: "a", status: "failed", wasSent: true, errorCode: "forbidden" }]);
  expect(accepted).toEqual(["b"]);

  isRefusing = false;
  outbox.retry("a");
  await outbox.flush();
  expect(sentClientIds(socket)).toEqual(["a", "b", "a"]);
  expect(entries()).toEqual([]);
});

it("lets the store take the answer in before the entry is dropped", async () => {
  const seenInAccept: string[][] = [];
  const { outbox, entries } = track(setUp({ accept: () => seenInAccept.push(entries().map((e) => e.clientId)) }));
  setSocketForTests(new FakeSocket().handle("message:send", ok).asSocket());
  outbox.add(note("a"));
  await outbox.flush();
  expect(seenInAccept).toEqual([["a"]]);
  expect(entries()).toEqual([]);
});

it("drops what the predicate names, and a stopped outbox runs no scheduled retry", async () => {
  const onRetryDue = jest.fn();
  const { outbox, entries } = track(setUp({ onRetryDue }));
  outbox.add(note("a"));
  outbox.add(note("b"));
  outbox.drop((e) => e.clientId === "a");
  expect(entries().map((e) => e.clientId)).toEqual(["b"]);
  expect(stored()).toEqual([{ clientId: "b", text: "b", status: "waiting" }]);

  outbox.scheduleRetry(10);
  outbox.stop();
  await new Promise((resolve) => setTimeout(resolve, 30));
  expect(onRetryDue).not.toHaveBeenCalled();
  outbox.scheduleRetry(10);
  await waitFor(() => onRetryDue.mock.calls.length === 1);
});
