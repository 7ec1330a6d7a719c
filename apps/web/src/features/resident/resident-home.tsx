import type { CircleWithUnread, User } from "@kring/protocol";
import { lazy, Suspense, useEffect } from "react";
import { useAlertsStore } from "../alerts/alerts.store";
import { useCirclesStore } from "../circles/circles.store";
import { onReconnect } from "../connection/connection.store";
import { formatClock, formatLongDate } from "../i18n/format";
import { useT } from "../i18n/use-t";
import { useMessagesStore } from "../messages/messages.store";
import { ResidentActions } from "./resident-actions";
import { ResidentConnection } from "./resident-connection";
import { applyTabletLanguage } from "./tablet-language";
import { useClock } from "./use-clock";

// The Help buttons come first; the conversation below them is its own chunk, fetched right after
// (it would otherwise push the tablet's first load past its 120 KB budget).
const ResidentConversation = lazy(() => import("./resident-conversation").then((module) => ({ default: module.ResidentConversation })));
// "Who looked at my circle" (issue #11) rides in the conversation's chunk: no chunk of its own to list here.
const WhoLooked = lazy(() => import("./resident-conversation").then((module) => ({ default: module.WhoLooked })));
// "Who is coming" (issue #10): its own chunk too, for the same reason.
const VisitCard = lazy(() => import("./visit-card"));

/**
 * The resident's whole app: a greeting with the date and time, three large actions and the
 * family conversation. No menus, no hidden gestures, nothing to find.
 */
export function ResidentHome({ circle, user }: { circle: CircleWithUnread; user: User }) {
  const { t, locale } = useT();
  const now = useClock();
  const hour = now.getHours();
  const greetingKey = hour < 12 ? "greetingMorning" : hour < 18 ? "greetingAfternoon" : "greetingEvening";

  useEffect(() => {
    document.title = `${user.name} · ${t("appName")}`;
  }, [user.name, t]);

  useEffect(() => {
    useCirclesStore.getState().setVisibleCircle(circle.id);
    void useCirclesStore.getState().loadMembers(circle.id).catch(() => undefined);
    void useMessagesStore.getState().loadLatest(circle.id).catch(() => undefined);
    void useAlertsStore.getState().loadCircleAlerts(circle.id).catch(() => undefined);
    // "I'm OK" pressed earlier today (before a reload, or on another device) is shown from the server.
    const loadCheckin = () => void useAlertsStore.getState().loadCheckinToday(circle.id).catch(() => undefined);
    loadCheckin();
    const stopListening = onReconnect(loadCheckin);
    return () => {
      stopListening();
      useCirclesStore.getState().setVisibleCircle(undefined);
    };
  }, [circle.id]);

  // The coordinator may change the tablet's language at any time: read it again after each reconnect.
  useEffect(() => {
    const apply = () => void applyTabletLanguage(circle.id, user.id).catch(() => undefined);
    apply();
    return onReconnect(apply);
  }, [circle.id, user.id]);

  return (
    <div className="resident">
      <header className="resident-header">
        <h1 className="resident-greeting">{t(greetingKey, { name: user.name })}</h1>
        <p className="resident-clock">
          <span>{formatLongDate(now, locale)}</span> <span className="resident-time">{formatClock(now, locale)}</span>
        </p>
        <ResidentConnection />
      </header>
      <main id="main" className="resident-main">
        <div>
          <ResidentActions circleId={circle.id} />
          <Suspense fallback={null}>
            <WhoLooked circleId={circle.id} userId={user.id} />
          </Suspense>
        </div>
        <div>
          <Suspense fallback={null}>
            <VisitCard circleId={circle.id} />
          </Suspense>
          <Suspense fallback={null}>
            <ResidentConversation circleId={circle.id} />
          </Suspense>
        </div>
      </main>
    </div>
  );
}
