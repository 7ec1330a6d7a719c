import { closeSocket, createSocket } from "../lib/socket";
import { useAlertsStore } from "../features/alerts/alerts.store";
import { useCirclesStore } from "../features/circles/circles.store";
import { notifyReconnected, useConnectionStore } from "../features/connection/connection.store";
import { useMessagesStore } from "../features/messages/messages.store";
import { useSessionStore } from "../features/session/session.store";
import { publishVisitEvent } from "../features/visits/visits-live";

const RECONNECT_AFTER_FAILURE_MS = 3_000;

/**
 * Opens the signed-in user's socket and routes every server event to its store. After each
 * (re)connect: sync messages from the last contiguous seq, send what waits in the outboxes,
 * and refresh unread counts and alerts that may have changed meanwhile.
 */
export function startRealtime(userId: string): () => void {
  const messages = useMessagesStore.getState();
  const alerts = useAlertsStore.getState();
  const connection = useConnectionStore.getState();
  messages.start(userId);
  alerts.start(userId);

  const socket = createSocket(() => useSessionStore.getState().token);
  let isStopped = false;
  let isRenewing = false;

  // The server ends a socket whose access token expired, and refuses a handshake with a stale
  // one ("unauthorized"); both mean: get a fresh token from the device token, then reconnect.
  const reconnectWithFreshToken = async () => {
    if (isRenewing || isStopped) return;
    isRenewing = true;
    try {
      const token = await useSessionStore.getState().renewToken();
      if (token !== undefined && !isStopped && navigator.onLine !== false) socket.connect();
    } catch {
      // The renewal itself failed (no network, server down): that is "No connection", not "Connecting…".
      connection.setStatus("offline");
      setTimeout(() => void reconnectWithFreshToken(), RECONNECT_AFTER_FAILURE_MS);
    } finally {
      isRenewing = false;
    }
  };

  socket.on("connect", () => {
    connection.setStatus("online");
    void (async () => {
      await useMessagesStore.getState().syncAll();
      await Promise.all([useMessagesStore.getState().flushOutbox(), useAlertsStore.getState().flushPending()]);
    })();
    void useCirclesStore.getState().loadCircles().catch(() => undefined);
    notifyReconnected();
  });
  // "Connecting…" while a reconnect is under way (a dropped transport, or the server ending a socket
  // whose token expired, every 15 minutes); "No connection" once the browser is offline or an attempt
  // failed. The tablet shows this in words, so it must not cry "offline" at every token renewal.
  socket.on("disconnect", (reason) => {
    const isReconnecting = reason !== "io client disconnect" && navigator.onLine !== false;
    connection.setStatus(isReconnecting ? "connecting" : "offline");
    if (reason === "io server disconnect") void reconnectWithFreshToken();
  });
  socket.on("connect_error", (error) => {
    const isRenewing = error.message === "unauthorized" && navigator.onLine !== false;
    connection.setStatus(isRenewing ? "connecting" : "offline");
    if (error.message === "unauthorized") void reconnectWithFreshToken();
    // Open on too many screens: the server refused this one; try again after the wait it asked for
    // (socket.io does not retry a refusal by itself).
    if (error.message === "too_many_connections") {
      const data = (error as { data?: { retryAfterMs?: unknown } }).data;
      const waitMs = typeof data?.retryAfterMs === "number" ? data.retryAfterMs : 30_000;
      setTimeout(() => {
        if (!isStopped && !socket.connected) socket.connect();
      }, waitMs);
    }
  });

  socket.on("message:new", (message) => {
    useMessagesStore.getState().receive(message);
    if (message.senderId !== userId) useCirclesStore.getState().addUnread(message.circleId, message.thread);
  });
  socket.on("alert:update", (alert) => useAlertsStore.getState().upsert(alert));
  socket.on("notification", (notification) => useAlertsStore.getState().addNotice(notification));
  socket.on("typing", (event) => useMessagesStore.getState().receiveTyping(event));
  socket.on("presence", (event) => useCirclesStore.getState().applyPresence(event));
  // Left or removed (issue #11): the circle's list no longer has it; its screens say so.
  socket.on("circle:removed", () => void useCirclesStore.getState().loadCircles().catch(() => undefined));
  // Visits (issue #10): relayed to whichever lazily loaded screen listens (calendar, tablet card).
  socket.on("occurrence:update", (event) => publishVisitEvent({ type: "occurrence", ...event }));
  socket.on("plan:update", (event) => publishVisitEvent({ type: "plan", ...event }));

  // The browser knows sooner than a heartbeat timeout that the network is gone; going offline
  // at once shows it to the user, and coming back online reconnects at once.
  const onOffline = () => {
    socket.disconnect();
    connection.setStatus("offline");
  };
  const onOnline = () => {
    if (socket.connected) return;
    connection.setStatus("connecting");
    socket.connect();
  };
  window.addEventListener("offline", onOffline);
  window.addEventListener("online", onOnline);

  connection.setStatus("connecting");
  if (useSessionStore.getState().token === undefined) void reconnectWithFreshToken();
  else socket.connect();

  return () => {
    isStopped = true;
    window.removeEventListener("offline", onOffline);
    window.removeEventListener("online", onOnline);
    closeSocket();
  };
}

/** Forget everything of the previous user (signing out on a shared computer). */
export function resetStores(): void {
  useMessagesStore.getState().reset();
  useAlertsStore.getState().reset();
  useCirclesStore.getState().reset();
  useConnectionStore.getState().setStatus("connecting");
}
