/** @jest-environment jsdom */
import type { Alert, Message } from "@kring/protocol";
import { act, fireEvent, render, screen } from "@testing-library/react";
import { setSocketForTests } from "../../lib/socket";
import { installFakeFetch } from "../../testing/fake-fetch";
import { FakeSocket, fakeId } from "../../testing/fake-socket";
import { useAlertsStore } from "../alerts/alerts.store";
import { loadLanguage, useI18nStore } from "../i18n/i18n.store";
import { useMessagesStore } from "../messages/messages.store";
import { useSessionStore } from "../session/session.store";
import { ResidentHome } from "./resident-home";

const anna = { id: fakeId(), email: "", name: "Anna" };
const marc = fakeId();
const circle = { id: fakeId(), name: "Anna's circle", myRole: "resident" as const, unread: 0 };

const hello: Message = {
  id: fakeId(),
  circleId: circle.id,
  seq: 1,
  clientId: "c1",
  senderId: marc,
  body: "I'll come by at three.",
  createdAt: new Date().toISOString(),
};

function openAlert(clientId: string): Alert {
  return {
    id: fakeId(),
    circleId: circle.id,
    kind: "help",
    status: "open",
    raisedBy: anna.id,
    clientId,
    createdAt: new Date().toISOString(),
    paged: [{ userId: marc, at: new Date().toISOString() }],
    claimedBy: null,
    claimedAt: null,
    resolvedBy: null,
    resolvedAt: null,
    note: null,
    history: [{ type: "raised", at: new Date().toISOString(), userId: anna.id }],
  };
}

let socket: FakeSocket;

beforeAll(async () => {
  await loadLanguage("en", ["core"]);
  await loadLanguage("nl", ["core"]);
});

beforeEach(() => {
  localStorage.clear();
  useI18nStore.setState({ language: "en" });
  useSessionStore.setState({ status: "signed-in", user: anna, token: "t" });
  useMessagesStore.getState().reset();
  useMessagesStore.getState().start(anna.id);
  useAlertsStore.getState().reset();
  useAlertsStore.getState().start(anna.id);
  installFakeFetch((request) => {
    if (request.path.endsWith("/members")) {
      return { status: 200, body: { members: [{ userId: anna.id, name: "Anna", role: "resident" }, { userId: marc, name: "Marc", role: "family" }] } };
    }
    if (request.path.includes("/messages")) return { status: 200, body: { messages: [hello] } };
    if (request.path.includes("/alerts")) return { status: 200, body: { alerts: [] } };
    return undefined;
  });
  socket = new FakeSocket();
  setSocketForTests(socket.asSocket());
});

async function renderHome() {
  render(<ResidentHome circle={circle} user={anna} />);
  await screen.findByText("I'll come by at three.");
}

it("offers the three large actions by their stable names, and the family's messages", async () => {
  await renderHome();
  for (const name of ["I need help", "I'm OK", "Call me"]) expect(screen.getByRole("button", { name })).toBeTruthy();
  expect(screen.getByRole("heading", { level: 1 }).textContent).toMatch(/Anna/);
  expect(screen.getByText("Marc")).toBeTruthy();
});

it("raises help once and then says who is on the way", async () => {
  socket.handle("alert:raise", (payload) => ({ ok: true, alert: openAlert((payload as { clientId: string }).clientId) }));
  await renderHome();
  const help = screen.getByRole("button", { name: "I need help" });
  await act(async () => {
    fireEvent.click(help);
  });
  expect(await screen.findByText("Your family has been called. Someone will answer soon.")).toBeTruthy();
  await act(async () => {
    fireEvent.click(help); // pressing again does not page everyone twice
  });
  expect(socket.sentOf("alert:raise")).toHaveLength(1);

  const raised = Object.values(useAlertsStore.getState().alertsById)[0]!;
  act(() => {
    useAlertsStore.getState().upsert({
      ...raised,
      status: "claimed",
      claimedBy: marc,
      claimedAt: new Date().toISOString(),
      history: [...raised.history, { type: "claimed", at: new Date().toISOString(), userId: marc }],
    });
  });
  expect(screen.getByText("Help is coming: Marc is on the way")).toBeTruthy();
});

it("confirms the daily check-in", async () => {
  socket.handle("checkin:ok", () => ({ ok: true, checkin: { circleId: circle.id, date: "2026-11-24", at: new Date().toISOString(), by: anna.id } }));
  await renderHome();
  await act(async () => {
    fireEvent.click(screen.getByRole("button", { name: "I'm OK" }));
  });
  expect(screen.getByText(/Thank you! Your family knows you are OK/)).toBeTruthy();
});

it("sends a quick reply in one tap", async () => {
  socket.handle("message:send", (payload) => {
    const p = payload as { clientId: string; body: string };
    return { ok: true, message: { ...hello, id: fakeId(), seq: 2, senderId: anna.id, clientId: p.clientId, body: p.body } };
  });
  await renderHome();
  await act(async () => {
    fireEvent.click(screen.getByRole("button", { name: "Thank you" }));
  });
  expect(socket.sentOf("message:send")).toEqual([expect.objectContaining({ circleId: circle.id, body: "Thank you" })]);
  expect(screen.getAllByText("Thank you").length).toBeGreaterThanOrEqual(2); // the button and the sent message
});

it("speaks Dutch when switched", async () => {
  await renderHome();
  await act(async () => {
    await useI18nStore.getState().setLanguage("nl");
  });
  expect(screen.getByRole("button", { name: "Ik heb hulp nodig" })).toBeTruthy();
  expect(document.documentElement.lang).toBe("nl");
});
