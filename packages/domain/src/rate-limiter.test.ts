import { createTokenBucketLimiter } from "./rate-limiter";

describe("token bucket limiter", () => {
  it("allows a burst, then the sustained rate, per key", () => {
    let now = 0;
    const limiter = createTokenBucketLimiter({ ratePerSecond: 10, burst: 30, now: () => now });
    const burst = Array.from({ length: 31 }, () => limiter.tryTake("marie"));
    expect(burst.filter(Boolean)).toHaveLength(30);
    expect(limiter.tryTake("anna")).toBe(true);
    now += 100;
    expect(limiter.tryTake("marie")).toBe(true);
    expect(limiter.tryTake("marie")).toBe(false);
    now += 1000;
    const afterASecond = Array.from({ length: 11 }, () => limiter.tryTake("marie"));
    expect(afterASecond.filter(Boolean)).toHaveLength(10);
  });

  it("never stores more than the burst, however long a key was idle", () => {
    let now = 0;
    const limiter = createTokenBucketLimiter({ ratePerSecond: 10, burst: 5, now: () => now });
    limiter.tryTake("x");
    now += 3_600_000;
    expect(Array.from({ length: 10 }, () => limiter.tryTake("x")).filter(Boolean)).toHaveLength(5);
  });
});
