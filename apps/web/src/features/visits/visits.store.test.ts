/** @jest-environment jsdom */
import { installFakeFetch } from "../../testing/fake-fetch";
import { fakeId } from "../../testing/fake-socket";
import { selectOccurrences, useVisitsStore } from "./visits.store";
import type { Occurrence, Plan } from "./visits.types";

const circleId = fakeId();
const planId = fakeId();
const marie = fakeId();

function occurrence(start: string, change: Partial<Occurrence> = {}): Occurrence {
  const date = new Date(start);
  return {
    id: `${planId}:${start.slice(0, 16)}`,
    planId,
    circleId,
    kind: "visit",
    title: "Coffee",
    start: date.toISOString(),
    end: new Date(date.getTime() + 3_600_000).toISOString(),
    timeZone: "Europe/Brussels",
    dstShifted: false,
    assigneeId: null,
    status: "open",
    checkedInAt: null,
    checkedOutAt: null,
    note: null,
    ...change,
  };
}

const window = { circleId, from: "2027-03-29", to: "2027-04-04" };
const tuesday = occurrence("2027-03-30T14:00");
const thursday = occurrence("2027-04-01T14:00");
let served: Occurrence[];
let requests: string[];

beforeEach(() => {
  useVisitsStore.getState().reset();
  served = [tuesday, thursday];
  requests = [];
  installFakeFetch((request) => {
    requests.push(`${request.method} ${request.path}`);
    if (request.path.startsWith(`/api/circles/${circleId}/occurrences?`)) return { status: 200, body: { occurrences: served } };
    if (request.path.endsWith("/claim")) return { status: 409, body: { error: { code: "conflict", message: "taken" } } };
    return undefined;
  });
});

it("loads a week and lists it by start", async () => {
  await useVisitsStore.getState().load(window);
  expect(requests).toEqual([`GET /api/circles/${circleId}/occurrences?from=2027-03-29&to=2027-04-04`]);
  const listed = selectOccurrences(useVisitsStore.getState().occurrencesById, window);
  expect(listed.map((o) => o.id)).toEqual([tuesday.id, thursday.id]);
  expect(useVisitsStore.getState().windows).toMatchObject({ [`${circleId}:2027-03-29:2027-04-04`]: { state: "loaded" } });
});

it("applies occurrence:update live: a claim shows at once as planned, with its assignee", async () => {
  await useVisitsStore.getState().load(window);
  useVisitsStore.getState().apply({ type: "occurrence", occurrence: { ...tuesday, status: "planned", assigneeId: marie } });
  expect(useVisitsStore.getState().occurrencesById[tuesday.id]).toMatchObject({ status: "planned", assigneeId: marie });
});

it("reads the shown windows again on plan:update, and drops what the series no longer has", async () => {
  await useVisitsStore.getState().load(window);
  served = [tuesday];
  const plan = { id: planId, circleId } as Plan;
  useVisitsStore.getState().apply({ type: "plan", plan });
  await new Promise((resolve) => setTimeout(resolve, 0));
  expect(requests).toHaveLength(2);
  expect(selectOccurrences(useVisitsStore.getState().occurrencesById, window).map((o) => o.id)).toEqual([tuesday.id]);
});

it("removes a deleted plan's occurrences at once", async () => {
  await useVisitsStore.getState().load(window);
  served = [];
  useVisitsStore.getState().apply({ type: "plan", plan: { id: planId, circleId } as Plan, deleted: true });
  expect(selectOccurrences(useVisitsStore.getState().occurrencesById, window)).toEqual([]);
});

it("reports a lost claim race as a conflict, and keeps the occurrence as it was", async () => {
  await useVisitsStore.getState().load(window);
  await expect(useVisitsStore.getState().act(tuesday.id, "claim")).rejects.toMatchObject({ status: 409, code: "conflict" });
  expect(requests).toContain(`POST /api/occurrences/${encodeURIComponent(tuesday.id)}/claim`);
  expect(useVisitsStore.getState().occurrencesById[tuesday.id]).toEqual(tuesday);
});
