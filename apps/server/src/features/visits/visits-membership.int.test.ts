import { expectOnlyKeyReads } from "@kring/db/testing";
import { collect, sleep, startTestServer, type TestServer } from "../../testing/harness";

// Issue #10 meets #11: a member who leaves or is removed no longer takes visits. Their claimed
// occurrences still to come go back to open and the circle is told; a plan assigned to them opens;
// what another member took stays theirs. All by key: the removal is recorded and must send the
// database nothing but point reads and inserts.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

type Occ = { id: string; assigneeId: string | null; status: string };

async function plan(token: string, circleId: string, body: Record<string, unknown>): Promise<{ id: string; assigneeId: string | null }> {
  const res = await server.request("POST", `/api/circles/${circleId}/plans`, { token, body: { timeZone: "Europe/Brussels", ...body } });
  expect(res.status).toBe(201);
  return res.body.plan;
}

async function circleWithClaims() {
  const coordinator = await server.registerUser("Sofie Coordinator");
  const circle = await server.createCircle(coordinator.token, "Anna's circle");
  const marie = await server.addMember(coordinator.token, circle.id, "family", "Marie Peeters");
  const karim = await server.addMember(coordinator.token, circle.id, "professional", "Karim Benali");
  const weekly = await plan(coordinator.token, circle.id, { kind: "visit", title: "Afternoon visit", start: "2027-03-23T14:00", durationMinutes: 60, recurrence: "FREQ=WEEKLY;COUNT=4" });
  const groceries = await plan(coordinator.token, circle.id, { kind: "task", title: "Groceries", start: "2027-01-05T10:00", recurrence: "FREQ=WEEKLY", assigneeId: marie.user.id });
  const claim = async (token: string, occurrenceId: string) => {
    const res = await server.request("POST", `/api/occurrences/${occurrenceId}/claim`, { token });
    expect(res.status).toBe(200);
  };
  await claim(marie.token, `${weekly.id}:2027-03-23T14:00`);
  await claim(marie.token, `${weekly.id}:2027-03-30T14:00`);
  await claim(karim.token, `${weekly.id}:2027-04-06T14:00`);
  return { coordinator, circle, marie, karim, weekly, groceries };
}

const occurrences = async (token: string, circleId: string, from: string, to: string): Promise<Occ[]> =>
  (await server.request("GET", `/api/circles/${circleId}/occurrences?from=${from}&to=${to}`, { token })).body.occurrences;

describe("a member who goes no longer takes visits", () => {
  it("a removed member's claims go back to open, the circle is told, and only keys are read", async () => {
    const f = await circleWithClaims();
    const watcher = await server.connect(f.coordinator.token);
    const updates = collect(watcher, "occurrence:update");
    const plans = collect(watcher, "plan:update");

    await expectOnlyKeyReads(
      server.connection,
      async () => {
        const removed = await server.request("DELETE", `/api/circles/${f.circle.id}/members/${f.marie.user.id}`, { token: f.coordinator.token });
        expect(removed.status).toBe(204);
      },
      { label: "removing a member with claimed visits" },
    );

    const weekly = (await occurrences(f.coordinator.token, f.circle.id, "2027-03-23", "2027-04-13")).filter((o) => o.id.startsWith(f.weekly.id));
    expect(weekly.map((o) => [o.id.slice(25), o.assigneeId, o.status])).toEqual([
      ["2027-03-23T14:00", null, "open"],
      ["2027-03-30T14:00", null, "open"],
      ["2027-04-06T14:00", f.karim.user.id, "planned"], // someone else's claim stays
      ["2027-04-13T14:00", null, "open"],
    ]);
    await sleep(200);
    expect(updates.map((e) => [e.occurrence.id.slice(25), e.occurrence.status]).sort()).toEqual([
      ["2027-03-23T14:00", "open"],
      ["2027-03-30T14:00", "open"],
    ]);
    // The plan assigned to her as a whole is open from now on.
    const listed = (await server.request("GET", `/api/circles/${f.circle.id}/plans`, { token: f.coordinator.token })).body.plans as { id: string; title: string; assigneeId: string | null }[];
    expect(listed.filter((p) => p.title === "Groceries").map((p) => p.assigneeId)).toEqual([null]);
    expect(plans.some((e) => e.plan.title === "Groceries" && e.plan.assigneeId === null)).toBe(true);
    const groceries = (await occurrences(f.coordinator.token, f.circle.id, "2027-01-05", "2027-01-12")).filter((o) => o.status !== "cancelled");
    expect(groceries.map((o) => [o.assigneeId, o.status])).toEqual([
      [null, "open"],
      [null, "open"],
    ]);
    // Anyone can take them again.
    const retaken = await server.request("POST", `/api/occurrences/${f.weekly.id}:2027-03-23T14:00/claim`, { token: f.karim.token });
    expect(retaken.body.occurrence).toMatchObject({ assigneeId: f.karim.user.id, status: "planned" });
    watcher.disconnect();
  });

  it("a member who leaves releases their claims the same way", async () => {
    const f = await circleWithClaims();
    const left = await server.request("DELETE", `/api/circles/${f.circle.id}/members/${f.karim.user.id}`, { token: f.karim.token });
    expect(left.status).toBe(204);
    const weekly = (await occurrences(f.coordinator.token, f.circle.id, "2027-04-06", "2027-04-06")).filter((o) => o.id.startsWith(f.weekly.id));
    expect(weekly.map((o) => [o.assigneeId, o.status])).toEqual([[null, "open"]]);
    // Marie's claims are untouched.
    const marie = (await occurrences(f.coordinator.token, f.circle.id, "2027-03-23", "2027-03-30")).filter((o) => o.id.startsWith(f.weekly.id));
    expect(marie.map((o) => o.assigneeId)).toEqual([f.marie.user.id, f.marie.user.id]);
  });
});
