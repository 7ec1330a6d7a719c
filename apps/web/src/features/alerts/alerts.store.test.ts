/** @jest-environment jsdom */
import type { Alert } from "@kring/protocol";
import { setSocketForTests } from "../../lib/socket";
import { fakeAlert } from "../../testing/fake-alert";
import { FakeSocket, fakeId } from "../../testing/fake-socket";
import { sortForInbox } from "./alert-actions";
import { selectResidentAlert, useAlertsStore } from "./alerts.store";

const me = fakeId();
const marc = fakeId();
const circleId = fakeId();

function alert(overrides: Partial<Alert> = {}): Alert {
  return fakeAlert({ circleId, raisedBy: me }, overrides);
}

beforeEach(() => {
  localStorage.clear();
  useAlertsStore.getState().reset();
  setSocketForTests(undefined);
});

it("queues a help request while offline and raises it once on connect", async () => {
  useAlertsStore.getState().start(me);
  const socket = new FakeSocket();
  socket.connected = false;
  setSocketForTests(socket.asSocket());
  const pending = useAlertsStore.getState().raise(circleId, "help");
  expect(JSON.parse(localStorage.getItem(`kring.pending-alerts.${me}`) ?? "[]")).toHaveLength(1);
  expect(selectResidentAlert(useAlertsStore.getState(), circleId, "help").pending?.clientId).toBe(pending?.clientId);

  socket.connected = true;
  socket.handle("alert:raise", (payload) => ({ ok: true, alert: alert({ clientId: (payload as { clientId: string }).clientId }) }));
  await useAlertsStore.getState().flushPending();
  await useAlertsStore.getState().flushPending();

  expect(socket.sentOf("alert:raise")).toEqual([{ circleId, kind: "help", clientId: pending?.clientId }]);
  const view = selectResidentAlert(useAlertsStore.getState(), circleId, "help");
  expect(view.pending).toBeUndefined();
  expect(view.alert?.status).toBe("open");
});

it("resends a Help refused as unavailable after the server's retryAfterMs, with the same clientId, raised once", async () => {
  useAlertsStore.getState().start(me);
  const raised = new Map<string, Alert>();
  let calls = 0;
  const socket = new FakeSocket().handle("alert:raise", (payload) => {
    const { clientId } = payload as { clientId: string };
    calls += 1;
    const found = raised.get(clientId) ?? alert({ clientId });
    raised.set(clientId, found); // stored even when the answer is "unavailable" (the server's deadline)
    if (calls === 1) return { ok: false, error: { code: "unavailable", message: "busy", retryAfterMs: 30 } };
    return { ok: true, alert: found };
  });
  setSocketForTests(socket.asSocket());
  const pending = useAlertsStore.getState().raise(circleId, "help");
  await new Promise((resolve) => setTimeout(resolve, 5));
  expect(selectResidentAlert(useAlertsStore.getState(), circleId, "help").pending?.status).toBe("waiting");
  for (let i = 0; i < 50 && useAlertsStore.getState().pendingRaises.length > 0; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(socket.sentOf("alert:raise")).toEqual([
    { circleId, kind: "help", clientId: pending?.clientId },
    { circleId, kind: "help", clientId: pending?.clientId },
  ]);
  expect(raised.size).toBe(1);
  const view = selectResidentAlert(useAlertsStore.getState(), circleId, "help");
  expect(view.pending).toBeUndefined();
  expect(view.alert?.clientId).toBe(pending?.clientId);
});

it("keeps the newest version of an alert (the longer history)", () => {
  useAlertsStore.getState().start(me);
  const open = alert();
  const claimed = { ...open, status: "claimed" as const, claimedBy: marc, history: [...open.history, { type: "claimed" as const, at: "2026-11-24T10:01:00.000Z", userId: marc }] };
  useAlertsStore.getState().upsert(claimed);
  useAlertsStore.getState().upsert(open); // a late, older copy
  expect(useAlertsStore.getState().alertsById[open.id]?.status).toBe("claimed");
});

it("sorts the inbox open first, then claimed, then resolved, newest first", () => {
  const sorted = sortForInbox([
    alert({ status: "resolved", createdAt: "2026-11-24T12:00:00.000Z" }),
    alert({ status: "claimed", createdAt: "2026-11-24T11:00:00.000Z" }),
    alert({ status: "open", createdAt: "2026-11-24T09:00:00.000Z" }),
    alert({ status: "unanswered", createdAt: "2026-11-24T10:00:00.000Z" }),
  ]);
  expect(sorted.map((a) => a.status)).toEqual(["unanswered", "open", "claimed", "resolved"]);
});

it("sends the daily check-in when the connection comes back", async () => {
  useAlertsStore.getState().start(me);
  const socket = new FakeSocket();
  socket.connected = false;
  setSocketForTests(socket.asSocket());
  await useAlertsStore.getState().checkIn(circleId);
  expect(useAlertsStore.getState().checkin.status).toBe("waiting");
  socket.connected = true;
  socket.handle("checkin:ok", () => ({ ok: true, checkin: { circleId, date: "2026-11-24", at: "2026-11-24T08:00:00.000Z", by: me } }));
  await useAlertsStore.getState().flushPending();
  expect(useAlertsStore.getState().checkin).toMatchObject({ status: "done", at: "2026-11-24T08:00:00.000Z" });
});

it("shows a page that arrives twice (a ladder step run again after a worker crash) once", () => {
  useAlertsStore.getState().start(me);
  const page = {
    id: `${fakeId()}:${me}`,
    kind: "alert_page" as const,
    circleId,
    alertId: fakeId(),
    text: "New alert in Anna's circle",
    urgent: true,
    at: "2026-11-24T10:00:00.000Z",
  };
  useAlertsStore.getState().addNotice(page);
  useAlertsStore.getState().addNotice({ ...page, at: "2026-11-24T10:00:00.200Z" });
  expect(useAlertsStore.getState().notices.filter((n) => n.id === page.id)).toHaveLength(1);
});

it("replaces a Help refused for good with the next press (a new clientId), in the queue and on disk", async () => {
  useAlertsStore.getState().start(me);
  const socket = new FakeSocket().handle("alert:raise", () => ({ ok: false, error: { code: "forbidden", message: "no" } }));
  setSocketForTests(socket.asSocket());
  const refused = useAlertsStore.getState().raise(circleId, "help");
  await useAlertsStore.getState().flushPending();
  expect(useAlertsStore.getState().pendingRaises).toMatchObject([{ clientId: refused?.clientId, status: "failed" }]);

  socket.connected = false;
  const again = useAlertsStore.getState().raise(circleId, "help");
  expect(again?.clientId).not.toBe(refused?.clientId);
  expect(useAlertsStore.getState().pendingRaises.map((p) => p.clientId)).toEqual([again?.clientId]);
  const onDisk = JSON.parse(localStorage.getItem(`kring.pending-alerts.${me}`) ?? "[]") as Array<{ clientId: string }>;
  expect(onDisk.map((p) => p.clientId)).toEqual([again?.clientId]);
});
