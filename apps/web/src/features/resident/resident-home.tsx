import type { CircleWithUnread, User } from "@kring/protocol";
import { useEffect } from "react";
import { useAlertsStore } from "../alerts/alerts.store";
import { useCirclesStore } from "../circles/circles.store";
import { ConnectionBanner } from "../connection/connection-banner";
import { formatClock, formatLongDate } from "../i18n/format";
import { LanguageSwitch } from "../i18n/language-switch";
import { useT } from "../i18n/use-t";
import { useMessagesStore } from "../messages/messages.store";
import { ResidentActions } from "./resident-actions";
import { ResidentConversation } from "./resident-conversation";
import { useClock } from "./use-clock";

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
    return () => useCirclesStore.getState().setVisibleCircle(undefined);
  }, [circle.id]);

  return (
    <div className="resident">
      <header className="resident-header">
        <h1 className="resident-greeting">{t(greetingKey, { name: user.name })}</h1>
        <p className="resident-clock">
          <span>{formatLongDate(now, locale)}</span> <span className="resident-time">{formatClock(now, locale)}</span>
        </p>
      </header>
      <ConnectionBanner />
      <main id="main" className="resident-main">
        <ResidentActions circleId={circle.id} />
        <ResidentConversation circleId={circle.id} />
      </main>
      <footer className="resident-footer">
        <LanguageSwitch />
      </footer>
    </div>
  );
}
