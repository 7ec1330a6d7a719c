import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/app";
import { loadLanguage, useI18nStore } from "./features/i18n/i18n.store";
import "./app/app.css";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
// The words come first: every screen is text, so render once the current language is here.
void loadLanguage(useI18nStore.getState().language).finally(() => {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
});

// The service worker shows Web Push notifications and keeps the app shell for flaky networks.
// Registered after load so it never competes with the first paint.
if ("serviceWorker" in navigator && import.meta.env.PROD) {
  window.addEventListener("load", () => {
    void navigator.serviceWorker.register("/sw.js").catch(() => undefined);
  });
}
