// Kring service worker: shows Web Push notifications and keeps the app shell so a resident's
// tablet opens even on a flaky network. It never caches /api or /socket.io: care data is not
// stored here, and a push carries only an id and a neutral sentence (no health data).
const SHELL_CACHE = "kring-shell-v1";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(["/", "/manifest.webmanifest", "/icons/icon-192.png"]))
      .catch(() => undefined)
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== SHELL_CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/") || url.pathname.startsWith("/socket.io")) return;

  // Pages: network first (always the newest app), the cached shell when offline.
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            void caches.open(SHELL_CACHE).then((cache) => cache.put("/", copy));
          }
          return response;
        })
        .catch(() => caches.match("/").then((cached) => cached || Response.error())),
    );
    return;
  }

  // Built assets have content hashes in their names: once cached, they never change.
  if (url.pathname.startsWith("/assets/")) {
    event.respondWith(
      caches.match(request).then(
        (cached) =>
          cached ||
          fetch(request).then((response) => {
            if (response.ok) {
              const copy = response.clone();
              void caches.open(SHELL_CACHE).then((cache) => cache.put(request, copy));
            }
            return response;
          }),
      ),
    );
  }
});

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { text: event.data ? event.data.text() : "" };
  }
  const text = typeof data.text === "string" && data.text ? data.text : "Kring";
  const isAlert = data.kind === "alert_page" || data.kind === "alert_unanswered";
  // The same screens as router.ts notificationPath: the alert itself, else the circle's conversation.
  const isId = (value) => typeof value === "string" && /^[0-9a-f]{24}$/.test(value);
  const url =
    isId(data.circleId) && isId(data.alertId)
      ? `/circles/${data.circleId}/alerts/${data.alertId}`
      : isAlert
        ? "/alerts"
        : data.kind === "visit_reminder" && isId(data.circleId)
          ? `/circles/${data.circleId}/calendar/agenda`
          : isId(data.circleId)
            ? `/circles/${data.circleId}`
            : "/";
  event.waitUntil(
    self.registration.showNotification("Kring", {
      body: text,
      tag: data.id || undefined,
      icon: "/icons/icon-192.png",
      badge: "/icons/icon-192.png",
      requireInteraction: isAlert,
      data: { url },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if ("focus" in client) {
          void client.navigate(url);
          return client.focus();
        }
      }
      return self.clients.openWindow(url);
    }),
  );
});
