/** @jest-environment jsdom */
import { act, render, screen } from "@testing-library/react";
import { installFakeFetch } from "../../testing/fake-fetch";
import { fakeId } from "../../testing/fake-socket";
import { useCirclesStore } from "../circles/circles.store";
import { formatClock } from "../i18n/format";
import { loadLanguage, localeFor, useI18nStore } from "../i18n/i18n.store";
import { publishVisitEvent } from "../visits/visits-live";
import type { Occurrence } from "../visits/visits.types";
import VisitCard from "./visit-card";

// The resident's "who is coming" card: large plain words, the next visit first, live.

const circleId = fakeId();
const planId = fakeId();
const marie = fakeId();
const tom = fakeId();
const NOW = new Date(2027, 2, 30, 9, 0); // Tuesday 30 March 2027, 09:00 local

function visit(hour: number, assigneeId: string | null, change: Partial<Occurrence> = {}, dayOffset = 0): Occurrence {
  const start = new Date(2027, 2, 30 + dayOffset, hour, 0);
  return {
    id: `${planId}:2027-03-${30 + dayOffset}T${String(hour).padStart(2, "0")}:00`,
    planId,
    circleId,
    kind: "visit",
    title: "Coffee",
    start: start.toISOString(),
    end: new Date(start.getTime() + 3_600_000).toISOString(),
    timeZone: "Europe/Brussels",
    dstShifted: false,
    assigneeId,
    status: assigneeId === null ? "open" : "planned",
    checkedInAt: null,
    checkedOutAt: null,
    note: null,
    ...change,
  };
}

/** The hour as the card writes it (jsdom's browser language decides 15:00 or 3:00 PM). */
const at = (hour: number, language: "en" | "nl" = "en", dayOffset = 0) => formatClock(new Date(2027, 2, 30 + dayOffset, hour, 0), localeFor(language));

let served: Occurrence[];
let asked: string[];

beforeAll(async () => {
  await loadLanguage("en", ["core"]);
  await loadLanguage("nl", ["core"]);
});

beforeEach(() => {
  jest.useFakeTimers({ now: NOW, doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });
  useI18nStore.setState({ language: "en" });
  useCirclesStore.setState({
    membersByCircle: {
      [circleId]: [
        { userId: marie, name: "Marie Peeters", role: "family" },
        { userId: tom, name: "Tom", role: "professional" },
      ],
    },
  } as never);
  asked = [];
  installFakeFetch((request) => {
    asked.push(request.path);
    if (request.path.startsWith(`/api/circles/${circleId}/occurrences?`)) return { status: 200, body: { occurrences: served } };
    return undefined; // no photo: 404
  });
});

afterEach(() => jest.useRealTimers());

async function renderCard() {
  render(<VisitCard circleId={circleId} />);
  await act(async () => {
    await Promise.resolve();
    await Promise.resolve();
  });
}

it("says who comes next and when, then today's other visits, with initials when there is no photo", async () => {
  served = [visit(18, tom), visit(15, marie), visit(11, null), visit(10, tom, { status: "cancelled" })];
  await renderCard();
  expect(asked[0]).toBe(`/api/circles/${circleId}/occurrences?from=2027-03-30&to=2027-04-06`);
  const next = screen.getByText("Marie Peeters").closest("p");
  expect(next?.textContent).toBe(`Marie Peeters — today at ${at(15)}Coffee`);
  expect(screen.getByText("Also today")).toBeTruthy();
  expect(screen.getByText("Tom").closest("li")?.textContent).toContain(`Tom — ${at(18)}`);
  // Nobody has taken the 11:00 slot and the 10:00 one is cancelled: nobody is announced for them.
  expect(screen.queryByText(new RegExp(`${at(11)}|${at(10)}`))).toBeNull();
  expect(screen.getByText("MP")).toBeTruthy();
  // Nobody in the member list has a photo: none is asked for.
  expect(asked.filter((path) => path.endsWith("/photo"))).toEqual([]);
});

it("asks for the photo of a member the list says has one", async () => {
  useCirclesStore.setState({ membersByCircle: { [circleId]: [{ userId: marie, name: "Marie Peeters", role: "family", hasPhoto: true }] } } as never);
  served = [visit(15, marie)];
  await renderCard();
  await act(async () => {
    for (let i = 0; i < 5; i += 1) await Promise.resolve();
  });
  expect(asked).toContain(`/api/users/${marie}/photo`);
});

it("updates live: a cancelled visit gives way to the next, a claimed one appears", async () => {
  served = [visit(15, marie), visit(10, null, {}, 1)];
  await renderCard();
  await act(async () => publishVisitEvent({ type: "occurrence", occurrence: visit(15, marie, { status: "cancelled" }) }));
  expect(screen.getByText("No visits planned this week.")).toBeTruthy();
  await act(async () => publishVisitEvent({ type: "occurrence", occurrence: visit(10, tom, { status: "planned" }, 1) }));
  expect(screen.getByText("Tom").closest("p")?.textContent).toBe(`Tom — tomorrow at ${at(10, "en", 1)}Coffee`);
  // Another circle's events change nothing here.
  await act(async () => publishVisitEvent({ type: "occurrence", occurrence: { ...visit(11, marie), circleId: fakeId() } }));
  expect(screen.queryByText("Marie Peeters")).toBeNull();
});

it("says 'here now' while the visit is under way, in the tablet's language", async () => {
  useI18nStore.setState({ language: "nl" });
  served = [visit(8, marie, { status: "in_progress" }), visit(16, tom)];
  await renderCard();
  expect(screen.getByText("Marie Peeters").closest("p")?.textContent).toBe("Marie Peeters — is nu bij uCoffee");
  expect(screen.getByText("Ook vandaag")).toBeTruthy();
  expect(screen.getByText("Tom").closest("li")?.textContent).toContain(`Tom — ${at(16, "nl")}`);
});

it("names the day and date of a visit later in the week, so next week's Tuesday is not read as today", async () => {
  served = [visit(10, tom, {}, 3), visit(11, marie, {}, 7)];
  await renderCard();
  const friday = new Intl.DateTimeFormat(localeFor("en"), { weekday: "long", day: "numeric", month: "long" }).format(new Date(2027, 3, 2, 10));
  expect(friday).toMatch(/Friday.*2|2.*Friday/);
  expect(screen.getByText("Tom").closest("p")?.textContent).toBe(`Tom — ${friday} at ${at(10, "en", 3)}Coffee`);
});
