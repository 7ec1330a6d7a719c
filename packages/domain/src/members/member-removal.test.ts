import { can, firstNameOf, ROLE_ACTIONS } from "../access/role-permissions";
import { canReadThread } from "../messages/thread-access";
import { createInMemoryRepositories } from "../testing/in-memory-repositories";
import { removeMember, removeMembership, type MemberRemovalHooks } from "./member-removal";

const circleId = "c".repeat(24);
const sofie = "1".repeat(24);
const els = "2".repeat(24);
const marie = "3".repeat(24);

async function setup() {
  const { memberships } = createInMemoryRepositories();
  const joinedAt = new Date("2026-11-24T10:00:00Z");
  await memberships.add({ circleId, userId: sofie, role: "coordinator", joinedAt });
  await memberships.add({ circleId, userId: marie, role: "family", joinedAt });
  const removed: string[] = [];
  const hooks: MemberRemovalHooks = { memberRemoved: async (_circle, userId) => void removed.push(userId) };
  return { memberships, removed, deps: { memberships, hooks } };
}

describe("removing a member (domain)", () => {
  it("lets a coordinator remove someone and anyone leave, and tells the hooks once", async () => {
    const { memberships, removed, deps } = await setup();
    await expect(removeMember(deps, marie, circleId, sofie)).rejects.toMatchObject({ code: "forbidden" });
    await removeMember(deps, sofie, circleId, marie);
    expect(await memberships.find(circleId, marie)).toBeNull();
    expect(removed).toEqual([marie]);
    // Removing again: not a member any more.
    await expect(removeMember(deps, sofie, circleId, marie)).rejects.toMatchObject({ code: "not_found" });
    expect(removed).toEqual([marie]);
  });

  it("keeps the last coordinator, also when they try to leave", async () => {
    const { memberships, removed, deps } = await setup();
    await expect(removeMember(deps, sofie, circleId, sofie)).rejects.toMatchObject({ code: "conflict" });
    await expect(removeMembership(deps, circleId, sofie)).rejects.toMatchObject({ code: "conflict" });
    expect(await memberships.find(circleId, sofie)).not.toBeNull();
    await memberships.add({ circleId, userId: els, role: "coordinator", joinedAt: new Date() });
    await removeMember(deps, sofie, circleId, sofie);
    expect(removed).toEqual([sofie]);
  });

  it("puts a coordinator back when the other one went at the same time", async () => {
    const { memberships, deps } = await setup();
    await memberships.add({ circleId, userId: els, role: "coordinator", joinedAt: new Date() });
    const results = await Promise.allSettled([removeMember(deps, sofie, circleId, els), removeMember(deps, els, circleId, sofie)]);
    const left = (await memberships.listForCircle(circleId)).filter((m) => m.role === "coordinator");
    expect(left.length).toBeGreaterThanOrEqual(1);
    expect(results.some((r) => r.status === "fulfilled") || left.length === 2).toBe(true);
  });
});

describe("the role table", () => {
  it("gives a volunteer the circle and first names, and nothing said, raised or paged", () => {
    const allowed = ROLE_ACTIONS.filter((action) => can("volunteer", action));
    expect(allowed).toEqual(["circle.read", "members.read", "visits.read_open", "visits.claim"]);
    expect(canReadThread("volunteer", "circle")).toBe(false);
    expect(canReadThread("resident", "circle")).toBe(true);
    expect(canReadThread("resident", "team")).toBe(false);
    expect(firstNameOf("  Marie   Peeters ")).toBe("Marie");
  });
});
