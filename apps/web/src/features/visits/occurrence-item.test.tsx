/** @jest-environment jsdom */
import type { Occurrence } from "@kring/protocol";
import { act, fireEvent, render, screen } from "@testing-library/react";
import { installFakeFetch } from "../../testing/fake-fetch";
import { fakeId } from "../../testing/fake-socket";
import { useCirclesStore } from "../circles/circles.store";
import { loadLanguage, useI18nStore } from "../i18n/i18n.store";
import { useSessionStore } from "../session/session.store";
import { OccurrenceItem } from "./occurrence-item";
import { useVisitsStore } from "./visits.store";

// One visit with what a member can do about it: the claim race loser is told who won.

const circleId = fakeId();
const planId = fakeId();
const me = { id: fakeId(), email: "tom@example.be", name: "Tom" };
const marie = fakeId();
const start = new Date(2027, 2, 30, 14, 0);
const open: Occurrence = {
  id: `${planId}:2027-03-30T14:00`,
  planId,
  circleId,
  kind: "visit",
  title: "Coffee with Anna",
  start: start.toISOString(),
  end: new Date(start.getTime() + 3_600_000).toISOString(),
  timeZone: "Europe/Brussels",
  dstShifted: false,
  assigneeId: null,
  status: "open",
  checkedInAt: null,
  checkedOutAt: null,
  note: null,
};
let stored: Occurrence;
let posted: Array<{ path: string; body: unknown }>;

beforeAll(async () => {
  await loadLanguage("en", ["core", "staff"]);
});

beforeEach(() => {
  useI18nStore.setState({ language: "en" });
  useSessionStore.setState({ status: "signed-in", user: me, token: "t" });
  useCirclesStore.setState({
    circles: [{ id: circleId, name: "Anna's circle", myRole: "family", unread: 0 }],
    membersByCircle: {
      [circleId]: [
        { userId: me.id, name: "Tom", role: "family" },
        { userId: marie, name: "Marie", role: "family" },
      ],
    },
  } as never);
  useVisitsStore.getState().reset();
  stored = open;
  posted = [];
  installFakeFetch((request) => {
    if (request.method === "POST") posted.push({ path: request.path, body: request.body });
    if (request.path.endsWith("/claim")) {
      // Marie was faster: the server stored her claim first.
      stored = { ...open, status: "planned", assigneeId: marie };
      return { status: 409, body: { error: { code: "conflict", message: "Someone else already takes this one." } } };
    }
    if (request.path.endsWith("/check-in")) {
      stored = { ...stored, status: "in_progress", checkedInAt: new Date().toISOString(), note: (request.body as { note?: string }).note ?? null };
      return { status: 200, body: { occurrence: stored } };
    }
    if (request.path.includes("/occurrences?")) return { status: 200, body: { occurrences: [stored] } };
    return undefined;
  });
});

it("says who already took it when a claim loses the race, and shows the slot as theirs", async () => {
  await act(async () => useVisitsStore.getState().load({ circleId, from: "2027-03-30", to: "2027-03-30" }));
  const { rerender } = render(<OccurrenceItem occurrence={open} />);
  expect(screen.getByText("Open: nobody yet")).toBeTruthy();
  await act(async () => {
    fireEvent.click(screen.getByRole("button", { name: "I'll take it" }));
  });
  expect(screen.getByRole("alert").textContent).toBe("Marie already took this one.");
  rerender(<OccurrenceItem occurrence={useVisitsStore.getState().occurrencesById[open.id]!} />);
  expect(screen.getByText("with Marie")).toBeTruthy();
  expect(screen.queryByRole("button", { name: "I'll take it" })).toBeNull();
});

it("lets the assignee check in with a note the circle sees, and says the status in words", async () => {
  const mine: Occurrence = { ...open, status: "planned", assigneeId: me.id };
  stored = mine;
  const { rerender } = render(<OccurrenceItem occurrence={mine} />);
  expect(screen.getByText("Planned")).toBeTruthy();
  expect(screen.getByText("with You")).toBeTruthy();
  fireEvent.change(screen.getByLabelText("Note for the circle (optional)"), { target: { value: "  Brought bread " } });
  await act(async () => {
    fireEvent.click(screen.getByRole("button", { name: "I've arrived" }));
  });
  expect(posted).toEqual([{ path: `/api/occurrences/${encodeURIComponent(mine.id)}/check-in`, body: { note: "Brought bread" } }]);
  rerender(<OccurrenceItem occurrence={useVisitsStore.getState().occurrencesById[mine.id]!} />);
  expect(screen.getByText("Under way")).toBeTruthy();
  expect(screen.getByText("Note: Brought bread")).toBeTruthy();
  expect(screen.getByRole("button", { name: "I'm leaving" })).toBeTruthy();
});
