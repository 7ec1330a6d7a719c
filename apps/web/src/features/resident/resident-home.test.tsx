/** @jest-environment jsdom */
import type { Alert, Message } from "@kring/protocol";
import { act, fireEvent, render, screen } from "@testing-library/react";
import { setSocketForTests } from "../../lib/socket";
import { installFakeFetch } from "../../testing/fake-fetch";
import { FakeSocket, fakeId } from "../../testing/fake-socket";
import { useAlertsStore } from "../alerts/alerts.store";
import { useConnectionStore } from "../connection/connection.store";
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
  thread: "circle",
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
/** What GET /checkins answers: today's check-in as the server stored it, if any. */
let storedCheckin: { date: string; at: string; by: string } | undefined;
const TODAY = new Date().toISOString().slice(0, 10);

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
    if (request.path.includes("/checkins?")) return { status: 200, body: { checkins: storedCheckin ? [storedCheckin] : [], today: TODAY } };
    return undefined;
  });
  storedCheckin = undefined;
  useConnectionStore.getState().setStatus("online");
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
  expect(await screen.findByText("Help is being called. Someone will answer soon.")).toBeTruthy();
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

it("says in words whether the tablet is connected", async () => {
  await renderHome();
  expect(screen.getByText("Connected")).toBeTruthy();
  act(() => useConnectionStore.getState().setStatus("connecting"));
  expect(screen.getByText("Connecting…")).toBeTruthy();
  act(() => useConnectionStore.getState().setStatus("offline"));
  expect(screen.getByText(/^No connection\./)).toBeTruthy();
});

it("pressed offline: says the call is not out yet and whom to phone, and 'being called' only after the server's ack", async () => {
  socket.handle("alert:raise", (payload) => ({ ok: true, alert: openAlert((payload as { clientId: string }).clientId) }));
  socket.connected = false;
  await renderHome();
  act(() => useConnectionStore.getState().setStatus("offline"));
  await act(async () => {
    fireEvent.click(screen.getByRole("button", { name: "I need help" }));
  });
  expect(screen.getByText(/Your help call will go out as soon as the tablet is back online\. If it is urgent, phone 112\./)).toBeTruthy();
  expect(screen.queryByText(/being called|Calling your family/)).toBeNull();
  const [queued] = useAlertsStore.getState().pendingRaises;

  socket.connected = true;
  act(() => useConnectionStore.getState().setStatus("online"));
  await act(async () => {
    await useAlertsStore.getState().flushPending();
  });
  expect(screen.getByText("Help is being called. Someone will answer soon.")).toBeTruthy();
  expect(socket.sentOf("alert:raise")).toEqual([expect.objectContaining({ clientId: queued?.clientId })]);
});

it("tells the truth when the server is busy: not out yet, retried with the same clientId", async () => {
  socket.handle("alert:raise", () => ({ ok: false, error: { code: "unavailable", message: "busy", retryAfterMs: 60_000 } }));
  await renderHome();
  await act(async () => {
    fireEvent.click(screen.getByRole("button", { name: "I need help" }));
  });
  expect(screen.getByText(/Your help call has not gone out yet.*phone 112/)).toBeTruthy();
  expect(screen.queryByText(/being called/)).toBeNull();
  expect(useAlertsStore.getState().pendingRaises).toHaveLength(1);
});

it("'I pressed by mistake' cancels the call the server stored", async () => {
  socket.handle("alert:raise", (payload) => ({ ok: true, alert: openAlert((payload as { clientId: string }).clientId) }));
  socket.handle("alert:cancel", (payload) => {
    const raised = Object.values(useAlertsStore.getState().alertsById)[0]!;
    expect(payload).toEqual({ alertId: raised.id });
    const at = new Date().toISOString();
    return { ok: true, alert: { ...raised, status: "resolved", resolvedBy: anna.id, resolvedAt: at, note: "Cancelled by Anna", history: [...raised.history, { type: "resolved", at, userId: anna.id }] } };
  });
  await renderHome();
  expect(screen.queryByRole("button", { name: "I pressed by mistake" })).toBeNull();
  await act(async () => {
    fireEvent.click(screen.getByRole("button", { name: "I need help" }));
  });
  await act(async () => {
    fireEvent.click(screen.getByRole("button", { name: "I pressed by mistake" }));
  });
  expect(screen.getByText("Cancelled. Nobody is being called.")).toBeTruthy();
  expect(screen.queryByRole("button", { name: "I pressed by mistake" })).toBeNull();
});

it("'I pressed by mistake' before the call went out drops it from the queue: nothing is ever sent", async () => {
  socket.connected = false;
  await renderHome();
  act(() => useConnectionStore.getState().setStatus("offline"));
  await act(async () => {
    fireEvent.click(screen.getByRole("button", { name: "I need help" }));
  });
  await act(async () => {
    fireEvent.click(screen.getByRole("button", { name: "I pressed by mistake" }));
  });
  expect(screen.getByText("Cancelled. Nobody is being called.")).toBeTruthy();
  expect(useAlertsStore.getState().pendingRaises).toEqual([]);
  socket.connected = true;
  await act(async () => {
    await useAlertsStore.getState().flushPending();
  });
  expect(socket.sentOf("alert:raise")).toEqual([]);
});

it("shows today's check-in from the server after a reload", async () => {
  storedCheckin = { date: TODAY, at: new Date().toISOString(), by: anna.id };
  await renderHome();
  expect(await screen.findByText(/Thank you! Your family knows you are OK/)).toBeTruthy();
});

it("'I pressed by mistake' after a send without an answer keeps the call queued and cancels it once the server has it", async () => {
  await renderHome();
  // No handler yet: the raise goes out and no ack comes back (it may or may not be stored).
  await act(async () => {
    fireEvent.click(screen.getByRole("button", { name: "I need help" }));
  });
  expect(screen.getByText(/Your help call has not gone out yet/)).toBeTruthy();
  await act(async () => {
    fireEvent.click(screen.getByRole("button", { name: "I pressed by mistake" }));
  });
  expect(screen.getByText("Cancelling your help call…")).toBeTruthy();
  expect(useAlertsStore.getState().pendingRaises).toHaveLength(1);

  socket.handle("alert:raise", (payload) => ({ ok: true, alert: openAlert((payload as { clientId: string }).clientId) }));
  socket.handle("alert:cancel", () => {
    const raised = Object.values(useAlertsStore.getState().alertsById)[0]!;
    const at = new Date().toISOString();
    return { ok: true, alert: { ...raised, status: "resolved", resolvedBy: anna.id, resolvedAt: at, note: "Cancelled by Anna", history: [...raised.history, { type: "resolved", at, userId: anna.id }] } };
  });
  await act(async () => {
    await useAlertsStore.getState().flushPending();
  });
  expect(screen.getByText("Cancelled. Nobody is being called.")).toBeTruthy();
  expect(socket.sentOf("alert:raise")).toHaveLength(2); // the same clientId twice
  expect(new Set(socket.sentOf("alert:raise").map((p) => (p as { clientId: string }).clientId)).size).toBe(1);
  expect(socket.sentOf("alert:cancel")).toHaveLength(1);
});
