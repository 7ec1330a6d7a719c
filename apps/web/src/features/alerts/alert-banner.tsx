import type { Alert } from "@kring/protocol";
import { useEffect, useMemo, useRef } from "react";
import { create } from "zustand";
import { setAlertTitle } from "../../navigation/document-title";
import { Link } from "../../navigation/link";
import { navigate, paths } from "../../navigation/router";
import { readStored, writeStored } from "../../lib/storage";
import { memberName, useCirclesStore } from "../circles/circles.store";
import { formatMessageTime } from "../i18n/format";
import { useT } from "../i18n/use-t";
import { useSessionStore } from "../session/session.store";
import { playAlertTone, prepareAlertSound } from "./alert-sound";
import { useAlertsStore } from "./alerts.store";
import { alertResident, ResidentContact } from "./resident-contact";
import { showSystemNotification } from "./system-notification";
import "./alert-banner.css";

// Issue #9: an urgent alert must reach the eye on every screen and width. The banner sticks to the
// top of the viewport (the page scrolls under it) until this member has seen it: "Seen", "Open",
// or claiming it. While it shows, the tab's title says so; a new alert also plays a short tone
// (if the member turned sound on) and raises a system notification (if they allowed those).

const SEEN_LIMIT = 200;
/** An alert older than this when it first appears (a reload, the inbox loading) is not announced again. */
const ANNOUNCE_WITHIN_MS = 15 * 60_000;

type SeenState = { key: string | undefined; seen: string[]; start(userId: string): void; markSeen(alertId: string): void };

export const useSeenAlertsStore = create<SeenState>()((set, get) => ({
  key: undefined,
  seen: [],
  start(userId) {
    const key = `kring.seen-alerts.${userId}`;
    if (get().key === key) return;
    const seen = readStored(key, (value) => (Array.isArray(value) ? value.filter((id): id is string => typeof id === "string") : undefined));
    set({ key, seen: seen ?? [] });
  },
  markSeen(alertId) {
    const { key, seen } = get();
    if (seen.includes(alertId)) return;
    const next = [...seen, alertId].slice(-SEEN_LIMIT);
    set({ seen: next });
    if (key !== undefined) writeStored(key, next);
  },
}));

function isUrgentKind(alert: Alert): boolean {
  return alert.kind === "help" || alert.kind === "missed_checkin" || alert.kind === "missed_visit";
}

/** The urgent alerts this member has not seen yet, newest first (never their own, never one they claimed). */
export function selectBannerAlerts(alertsById: Record<string, Alert>, seen: string[], userId: string | undefined): Alert[] {
  return Object.values(alertsById)
    .filter(
      (alert) =>
        isUrgentKind(alert) &&
        alert.status !== "resolved" &&
        alert.raisedBy !== userId &&
        alert.claimedBy !== userId &&
        !seen.includes(alert.id),
    )
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

export function useBannerAlerts(): Alert[] {
  const userId = useSessionStore((state) => state.user?.id);
  const seen = useSeenAlertsStore((state) => state.seen);
  const alertsById = useAlertsStore((state) => state.alertsById);
  return useMemo(() => selectBannerAlerts(alertsById, seen, userId), [alertsById, seen, userId]);
}

/** The region is always in the page (a live region must exist before its content changes). */
export function AlertBanner() {
  const { t, locale } = useT();
  const userId = useSessionStore((state) => state.user?.id);
  const alerts = useBannerAlerts();
  const alert = alerts[0];
  const members = useCirclesStore((state) => (alert ? state.membersByCircle[alert.circleId] : undefined));
  const circleName = useCirclesStore((state) => state.circles.find((c) => c.id === alert?.circleId)?.name ?? "");
  const announced = useRef(new Set<string>());

  useEffect(() => {
    if (userId !== undefined) useSeenAlertsStore.getState().start(userId);
    prepareAlertSound();
  }, [userId]);

  useEffect(() => {
    if (alert) useCirclesStore.getState().ensureMembers(alert.circleId, [alert.raisedBy, alert.claimedBy]);
  }, [alert]);

  const resident = alert ? alertResident(alert, members) : undefined;
  const name = alert
    ? alert.raisedBy === null
      ? (resident?.name ?? circleName)
      : (memberName(members, alert.raisedBy) ?? t("someone"))
    : "";
  const title = alert
    ? t(alert.kind === "help" ? "bannerTitle_help" : alert.kind === "missed_visit" ? "bannerTitle_missed_visit" : "bannerTitle_missed_checkin", { name })
    : undefined;

  useEffect(() => {
    setAlertTitle(title === undefined ? undefined : `(!) ${title} — ${t("appName")}`);
  }, [title, t]);
  useEffect(() => () => setAlertTitle(undefined), []);

  // A new urgent alert: a tone and a system notification, once per alert and page load.
  useEffect(() => {
    for (const candidate of alerts) {
      if (announced.current.has(candidate.id)) continue;
      announced.current.add(candidate.id);
      // Fresh names and the resident's phone and address (the profile may have changed since the
      // member list was loaded).
      void useCirclesStore.getState().loadMembers(candidate.circleId).catch(() => undefined);
      if (Date.now() - new Date(candidate.createdAt).getTime() > ANNOUNCE_WITHIN_MS) continue;
      if (candidate.status === "claimed") continue;
      playAlertTone();
      if (document.visibilityState !== "visible" || !document.hasFocus()) {
        const circle = useCirclesStore.getState().circles.find((c) => c.id === candidate.circleId)?.name ?? "";
        void showSystemNotification(candidate.id, t("systemNotificationText", { circle }), () => navigate(paths.conversation(candidate.circleId)));
      }
    }
  }, [alerts, t]);

  const markSeen = () => {
    if (alert) useSeenAlertsStore.getState().markSeen(alert.id);
  };

  return (
    <div className="alert-banner-region" role="alert">
      {alert ? (
        <section className="alert-banner" aria-label={t("bannerLabel")} data-alert-id={alert.id}>
          <p className="alert-banner-title">
            <strong>{title}</strong>
          </p>
          <p className="alert-banner-text">
            {alert.kind === "help"
              ? t("bannerText_help", { circle: circleName, time: formatMessageTime(alert.createdAt, locale) })
              : t(alert.kind === "missed_visit" ? "bannerText_missed_visit" : "bannerText_missed_checkin", { circle: circleName })}{" "}
            {alert.status === "claimed" ? t("alertStatus_claimed", { name: memberName(members, alert.claimedBy) ?? t("someone") }) : null}
          </p>
          <ResidentContact resident={resident} className="alert-banner-contact" />
          <div className="alert-banner-actions">
            <Link to={paths.conversation(alert.circleId)} className="button button-small alert-banner-open" onClick={markSeen}>
              {t("bannerOpen")}
            </Link>
            <button type="button" className="button button-small button-secondary" onClick={markSeen}>
              {t("bannerSeen")}
            </button>
            {alerts.length > 1 ? <span className="alert-banner-more">{t("bannerMore", { count: alerts.length - 1 })}</span> : null}
          </div>
        </section>
      ) : null}
    </div>
  );
}
