/** @jest-environment jsdom */
import type { Message } from "@kring/protocol";
import { act, fireEvent, render, screen } from "@testing-library/react";
import { setSocketForTests } from "../../lib/socket";
import { installFakeFetch } from "../../testing/fake-fetch";
import { FakeSocket, fakeId } from "../../testing/fake-socket";
import { useAlertsStore } from "../alerts/alerts.store";
import { useCirclesStore } from "../circles/circles.store";
import { loadLanguage, useI18nStore } from "../i18n/i18n.store";
import { useSessionStore } from "../session/session.store";
import { ConversationScreen } from "./conversation-screen";
import { useMessagesStore } from "./messages.store";

const marie = { id: fakeId(), email: "marie@example.be", name: "Marie" };
const anna = fakeId();
const circleId = fakeId();

const fromAnna: Message = {
  id: fakeId(),
  circleId,
  seq: 1,
  thread: "circle",
  clientId: "a1",
  senderId: anna,
  body: "Good morning!",
  createdAt: new Date().toISOString(),
};

let socket: FakeSocket;

beforeAll(async () => {
  await loadLanguage("en", ["core", "staff"]);
});

beforeEach(() => {
  localStorage.clear();
  useI18nStore.setState({ language: "en" });
  useSessionStore.setState({ status: "signed-in", user: marie, token: "t" });
  useCirclesStore.getState().reset();
  useCirclesStore.setState({ circles: [{ id: circleId, name: "Anna's circle", myRole: "family", unread: 2 }], loadState: "loaded" });
  useMessagesStore.getState().reset();
  useMessagesStore.getState().start(marie.id);
  useAlertsStore.getState().reset();
  useAlertsStore.getState().start(marie.id);
  installFakeFetch((request) => {
    if (request.path.endsWith("/members")) {
      return { status: 200, body: { members: [{ userId: marie.id, name: "Marie", role: "family" }, { userId: anna, name: "Anna", role: "resident" }] } };
    }
    if (request.path.endsWith("/presence")) {
      return { status: 200, body: { presence: [{ userId: anna, isOnline: true, lastSeenAt: null }] } };
    }
    if (request.path.includes("/messages")) return { status: 200, body: { messages: [fromAnna] } };
    if (request.path.includes("/alerts")) return { status: 200, body: { alerts: [] } };
    return undefined;
  });
  socket = new FakeSocket().handle("message:read", () => ({ ok: true }));
  socket.connected = false;
  setSocketForTests(socket.asSocket());
});

it("shows the history with names, presence, and marks the circle read", async () => {
  render(<ConversationScreen circleId={circleId} />);
  await screen.findByText("Good morning!");
  expect(await screen.findByText("Anna: Online")).toBeTruthy();
  expect(screen.getByRole("heading", { level: 1, name: "Anna's circle" })).toBeTruthy();
  expect(useCirclesStore.getState().circles[0]?.unread).toBe(0);
});

it("keeps a message typed offline as 'waiting', then shows it sent after reconnecting", async () => {
  render(<ConversationScreen circleId={circleId} />);
  await screen.findByText("Good morning!");
  fireEvent.change(screen.getByLabelText("Message"), { target: { value: "On my way" } });
  fireEvent.keyDown(screen.getByLabelText("Message"), { key: "Enter" });
  expect(await screen.findByText(/Waiting for connection/)).toBeTruthy();
  expect((screen.getByLabelText("Message") as HTMLTextAreaElement).value).toBe("");

  socket.handle("message:send", (payload) => {
    const p = payload as { clientId: string; body: string };
    return { ok: true, message: { ...fromAnna, id: fakeId(), seq: 2, senderId: marie.id, clientId: p.clientId, body: p.body } };
  });
  socket.connected = true;
  await act(async () => {
    await useMessagesStore.getState().flushOutbox();
  });
  expect(screen.queryByText(/Waiting for connection/)).toBeNull();
  expect(screen.getAllByText("On my way")).toHaveLength(1);
  expect(screen.getByText(/Sent/)).toBeTruthy();
});

it("says who is typing", async () => {
  render(<ConversationScreen circleId={circleId} />);
  await screen.findByText("Good morning!");
  act(() => useMessagesStore.getState().receiveTyping({ circleId, userId: anna, name: "Anna", thread: "circle" }));
  expect(screen.getByText("Anna is typing…")).toBeTruthy();
});
