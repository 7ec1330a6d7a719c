import { createDigestTrigger } from "./notifications.service";

describe("the digest trigger", () => {
  const windowMs = 10 * 60_000;
  function setup(fail = false) {
    let clock = new Date("2027-03-01T09:01:00Z");
    const queued: { circleId: string; windowStart: number; delayMs: number }[] = [];
    const errors: unknown[] = [];
    let failNext = fail;
    const trigger = createDigestTrigger({
      windowMs,
      now: () => clock,
      onError: (error) => errors.push(error),
      scheduleCircleActivity: async (job, delayMs) => {
        if (failNext) {
          failNext = false;
          throw new Error("redis down");
        }
        queued.push({ ...job, delayMs });
      },
    });
    return { trigger, queued, errors, advance: (ms: number) => (clock = new Date(clock.getTime() + ms)) };
  }
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it("queues one check per circle and window, delayed to the window's end", async () => {
    const { trigger, queued, advance } = setup();
    trigger.messageStored({ circleId: "a" });
    trigger.messageStored({ circleId: "a" });
    trigger.messageStored({ circleId: "b" });
    advance(60_000);
    trigger.messageStored({ circleId: "a" });
    await settle();
    const windowStart = Date.parse("2027-03-01T09:00:00Z");
    expect(queued).toEqual([
      { circleId: "a", windowStart, delayMs: 9 * 60_000 },
      { circleId: "b", windowStart, delayMs: 9 * 60_000 },
    ]);
    advance(windowMs);
    trigger.messageStored({ circleId: "a" });
    await settle();
    expect(queued.at(-1)).toEqual({ circleId: "a", windowStart: windowStart + windowMs, delayMs: 8 * 60_000 });
  });

  it("lets the next message try again after a failed queueing", async () => {
    const { trigger, queued, errors } = setup(true);
    trigger.messageStored({ circleId: "a" });
    await settle();
    expect(queued).toEqual([]);
    expect(errors).toHaveLength(1);
    trigger.messageStored({ circleId: "a" });
    await settle();
    expect(queued).toHaveLength(1);
  });
});
