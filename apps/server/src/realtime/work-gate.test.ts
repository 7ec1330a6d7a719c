import { DomainError } from "@kring/domain";
import { createLogger } from "@kring/logger";
import { withAck } from "./ack-handler";
import { createWorkGate } from "./work-gate";

// The gate's bookkeeping with plain promises; the integration test (overload.int.test.ts) shows
// the same answers through real sockets and a real, paused database.

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const logger = createLogger({ level: "error" });
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("work gate", () => {
  it("refuses work past the bound at once with unavailable and a retryAfterMs, without queueing it", async () => {
    const gate = createWorkGate({ maxInFlight: 2, deadlineMs: 60_000, retryAfterMs: 500, random: () => 0.5 });
    const first = deferred<string>();
    const second = deferred<string>();
    const running = [gate.run(() => first.promise), gate.run(() => second.promise)];
    let isThirdStarted = false;
    const third = gate.run(async () => {
      isThirdStarted = true;
      return "third";
    });
    await expect(third).rejects.toMatchObject({ code: "unavailable", retryAfterMs: 750 });
    expect(isThirdStarted).toBe(false);
    expect(gate.inFlight()).toBe(2);

    first.resolve("first");
    second.resolve("second");
    await expect(Promise.all(running)).resolves.toEqual(["first", "second"]);
    expect(gate.inFlight()).toBe(0);
    await expect(gate.run(async () => "again")).resolves.toBe("again");
  });

  it("answers unavailable at the deadline but keeps the slot until the work really settles", async () => {
    const late: Array<{ error?: unknown }> = [];
    const gate = createWorkGate({ maxInFlight: 1, deadlineMs: 20, retryAfterMs: 100, onLateSettle: (o) => late.push(o) });
    const slow = deferred<string>();
    await expect(gate.run(() => slow.promise)).rejects.toMatchObject({ code: "unavailable" });
    // Still running in the database: a new unit must not pile up behind it.
    expect(gate.inFlight()).toBe(1);
    await expect(gate.run(async () => "next")).rejects.toMatchObject({ code: "unavailable" });

    slow.resolve("stored late");
    await settle();
    expect(gate.inFlight()).toBe(0);
    expect(late).toEqual([{ elapsedMs: expect.any(Number) }]);
    await expect(gate.run(async () => "next")).resolves.toBe("next");
  });

  it("passes a failure through, and a late failure is reported instead of becoming an unhandled rejection", async () => {
    const late: Array<{ error?: unknown }> = [];
    const gate = createWorkGate({ maxInFlight: 5, deadlineMs: 20, retryAfterMs: 100, onLateSettle: (o) => late.push(o) });
    await expect(gate.run(async () => Promise.reject(new DomainError("forbidden", "no")))).rejects.toMatchObject({ code: "forbidden" });
    const slow = deferred<string>();
    await expect(gate.run(() => slow.promise)).rejects.toMatchObject({ code: "unavailable" });
    slow.reject(new Error("database went away"));
    await settle();
    expect(late).toHaveLength(1);
    expect((late[0]!.error as Error).message).toBe("database went away");
    expect(gate.inFlight()).toBe(0);
  });

  it("drains: refuses new work and waits for the running work, or the grace period", async () => {
    const gate = createWorkGate({ maxInFlight: 5, deadlineMs: 60_000, retryAfterMs: 100 });
    const running = deferred<string>();
    const result = gate.run(() => running.promise);
    let isDrained = false;
    const draining = gate.drain(60_000).then(() => {
      isDrained = true;
    });
    await expect(gate.run(async () => "new")).rejects.toMatchObject({ code: "unavailable", retryAfterMs: expect.any(Number) });
    await settle();
    expect(isDrained).toBe(false);
    running.resolve("done");
    await draining;
    await expect(result).resolves.toBe("done");

    const stuck = createWorkGate({ maxInFlight: 5, deadlineMs: 60_000, retryAfterMs: 100 });
    void stuck.run(() => new Promise(() => undefined)).catch(() => undefined);
    await stuck.drain(20); // resolves after the grace period although the work never settles
    expect(stuck.inFlight()).toBe(1);
  });
});

describe("fair share per partition (the circle of a send)", () => {
  it("lets a burst in one circle through while the node has room, and caps each circle once it is half full", async () => {
    const gate = createWorkGate({ maxInFlight: 8, maxPerPartition: 2, deadlineMs: 60_000, retryAfterMs: 100 });
    const hold = deferred<string>();
    const runIn = (partition: string) => gate.run(() => hold.promise, { partition });
    // Below half full (4 of 8) one circle may take more than its share.
    const burst = [runIn("busy"), runIn("busy"), runIn("busy"), runIn("busy")];
    expect(gate.inFlight()).toBe(4);
    // Half full now: the busy circle is over its share, a quiet circle still gets in, up to its share.
    await expect(runIn("busy")).rejects.toMatchObject({ code: "unavailable", retryAfterMs: expect.any(Number) });
    const quiet = [runIn("quiet"), runIn("quiet")];
    await expect(runIn("quiet")).rejects.toMatchObject({ code: "unavailable" });
    await expect(gate.run(async () => "no partition")).resolves.toBe("no partition");
    hold.resolve("done");
    await Promise.all([...burst, ...quiet]);
    await settle();
    expect(gate.inFlight()).toBe(0);
    await expect(runIn("busy")).resolves.toBe("done");
  });
});

describe("under pressure", () => {
  it("takes urgent work (a Help) into a reserve above the bound", async () => {
    const gate = createWorkGate({ maxInFlight: 4, deadlineMs: 60_000, retryAfterMs: 100 });
    const hold = deferred<string>();
    const sends = Array.from({ length: 4 }, () => gate.run(() => hold.promise));
    await expect(gate.run(() => hold.promise)).rejects.toMatchObject({ code: "unavailable" });
    const help = gate.run(() => hold.promise, { isUrgent: true });
    await expect(gate.run(() => hold.promise, { isUrgent: true })).rejects.toMatchObject({ code: "unavailable" });
    hold.resolve("stored");
    await expect(Promise.all([...sends, help])).resolves.toHaveLength(5);
  });

  it("suggests longer waits while refusals pile up, up to 4x, and the base again once they stop", async () => {
    let clock = 0;
    const gate = createWorkGate({ maxInFlight: 2, deadlineMs: 60_000, retryAfterMs: 100, random: () => 0, now: () => clock });
    const hold = deferred<string>();
    const running = [gate.run(() => hold.promise), gate.run(() => hold.promise)];
    const refusedWait = async () => {
      const error = await gate.run(() => hold.promise).catch((e: { retryAfterMs: number }) => e);
      return (error as { retryAfterMs: number }).retryAfterMs;
    };
    expect(await refusedWait()).toBe(100);
    for (let i = 0; i < 9; i += 1) await refusedWait(); // 10 refusals in this second
    clock = 1000;
    expect(await refusedWait()).toBe(400); // 1 + 10/2 = 6, capped at 4
    clock = 5000; // a quiet spell
    expect(await refusedWait()).toBe(100);
    hold.resolve("done");
    await Promise.all(running);
  });
});

describe("keyed work (a resend with the same clientId)", () => {
  it("joins the running unit instead of doing the work twice, without taking a second slot", async () => {
    const gate = createWorkGate({ maxInFlight: 1, deadlineMs: 20, retryAfterMs: 100 });
    const slow = deferred<string>();
    let calls = 0;
    const work = () => {
      calls += 1;
      return slow.promise;
    };
    await expect(gate.run(work, { key: "send:u:c:a" })).rejects.toMatchObject({ code: "unavailable" });
    // The bound is full (the first unit still runs), yet the resend is answered from that unit.
    const resend = gate.run(work, { key: "send:u:c:a" });
    slow.resolve("stored once");
    await expect(resend).resolves.toBe("stored once");
    expect(calls).toBe(1);
  });

  it("hands a result that came after the deadline to the resend, once; other keys do their own work", async () => {
    let clock = 0;
    const gate = createWorkGate({ maxInFlight: 5, deadlineMs: 20, retryAfterMs: 100, keepLateResultsMs: 1000, now: () => clock });
    const slow = deferred<string>();
    await expect(gate.run(() => slow.promise, { key: "k" })).rejects.toMatchObject({ code: "unavailable" });
    slow.resolve("late result");
    await settle();
    await expect(gate.run(async () => "redone", { key: "k" })).resolves.toBe("late result");
    await expect(gate.run(async () => "redone", { key: "k" })).resolves.toBe("redone");
    await expect(gate.run(async () => "other", { key: "other" })).resolves.toBe("other");

    const slowToo = deferred<string>();
    await expect(gate.run(() => slowToo.promise, { key: "expires" })).rejects.toMatchObject({ code: "unavailable" });
    slowToo.resolve("late");
    await settle();
    clock += 1001;
    await expect(gate.run(async () => "redone", { key: "expires" })).resolves.toBe("redone");
  });

  it("does not keep a failure: the resend does the work again", async () => {
    const gate = createWorkGate({ maxInFlight: 5, deadlineMs: 20, retryAfterMs: 100 });
    const slow = deferred<string>();
    await expect(gate.run(() => slow.promise, { key: "k" })).rejects.toMatchObject({ code: "unavailable" });
    slow.reject(new Error("insert failed"));
    await settle();
    await expect(gate.run(async () => "second try", { key: "k" })).resolves.toBe("second try");
  });
});

describe("withAck under the gate", () => {
  it("acknowledges exactly once, with unavailable at the deadline, even when the handler finishes later", async () => {
    const gate = createWorkGate({ maxInFlight: 5, deadlineMs: 20, retryAfterMs: 100 });
    const slow = deferred<{ stored: boolean }>();
    const acks: unknown[] = [];
    withAck(logger, () => slow.promise, gate)({}, (response: unknown) => acks.push(response));
    await new Promise((resolve) => setTimeout(resolve, 60));
    slow.resolve({ stored: true });
    await settle();
    expect(acks).toEqual([{ ok: false, error: { code: "unavailable", message: expect.any(String), retryAfterMs: expect.any(Number) } }]);
  });

  it("ignores an event without an ack callback and takes no slot for it", () => {
    const gate = createWorkGate({ maxInFlight: 5, deadlineMs: 20, retryAfterMs: 100 });
    let isCalled = false;
    withAck(logger, async () => {
      isCalled = true;
      return {};
    }, gate)({}, undefined);
    expect(isCalled).toBe(false);
    expect(gate.inFlight()).toBe(0);
  });
});
