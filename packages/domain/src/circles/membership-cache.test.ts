import { createCachedMemberships } from "./membership-cache";
import { createInMemoryRepositories } from "../testing/in-memory-repositories";

describe("membership cache", () => {
  it("answers repeated checks from memory, never caches a refusal, and expires", async () => {
    const repos = createInMemoryRepositories();
    let clock = 0;
    let lookups = 0;
    const counted = { ...repos.memberships, find: async (c: string, u: string) => ((lookups += 1), repos.memberships.find(c, u)) };
    const cached = createCachedMemberships(counted, { ttlMs: 1000, now: () => clock });
    const circleId = "c".repeat(24);
    const userId = "u".repeat(24);

    expect(await cached.find(circleId, userId)).toBeNull();
    await cached.add({ circleId, userId, role: "family", joinedAt: new Date() });
    expect(await cached.find(circleId, userId)).toMatchObject({ role: "family" });
    expect(await cached.find(circleId, userId)).toMatchObject({ role: "family" });
    expect(lookups).toBe(2);
    clock += 1001;
    await cached.find(circleId, userId);
    expect(lookups).toBe(3);
  });
});
