import { lazy, Suspense, useEffect } from "react";
import { loadInbox } from "../features/alerts/alert-actions";
import { AlertScreen } from "../features/alerts/alert-screen";
import { AlertBanner } from "../features/alerts/alert-banner";
import { AlertsScreen } from "../features/alerts/alerts-screen";
import { isActiveAlert, useAlertsStore } from "../features/alerts/alerts.store";
import { NoticeList } from "../features/alerts/notice-list";
import { CirclesScreen, JoinScreen } from "../features/circles/circles-screen";
import { MembersScreen } from "../features/circles/members-screen";
import { ConnectionBanner } from "../features/connection/connection-banner";
import { onReconnect } from "../features/connection/connection.store";
import { useI18nStore } from "../features/i18n/i18n.store";
import { LanguageSwitch } from "../features/i18n/language-switch";
import { saveNotificationLanguage } from "../features/settings/notification-language";
import { useT } from "../features/i18n/use-t";
import { ConversationScreen } from "../features/messages/conversation-screen";
import { useSessionStore } from "../features/session/session.store";
import { Link } from "../navigation/link";
import { NotFoundContent } from "./not-found-screen";
import AccountScreen from "../features/account/account-screen";
import ResetPasswordScreen from "../features/account/reset-password-screen";

export { NotFoundScreen } from "./not-found-screen";
import { LoadingScreen } from "../navigation/page";
import { paths, useRoute, type Route } from "../navigation/router";

// Settings screens are visited rarely; they load on demand.
const CircleSettingsScreen = lazy(() => import("../features/settings/circle-settings-screen"));
const NotificationsScreen = lazy(() => import("../features/settings/notifications-screen"));
// Visits (issue #10): the calendar, the plan form and "today", one chunk of their own.
const CalendarScreen = lazy(() => import("../features/visits/calendar-screen"));
const PlanFormScreen = lazy(() => import("../features/visits/plan-form-screen"));
const TodayScreen = lazy(() => import("../features/visits/today-screen"));
// The circle's access log (issue #11), read now and then.
const AccessLogScreen = lazy(() => import("../features/privacy/access-log-screen"));


/** Family, professionals and coordinators: the full app, loaded only when such a user signs in. */
export default function StaffApp() {
  const route = useRoute();
  useEffect(
    () =>
      useI18nStore.subscribe((state, previous) => {
        if (state.language !== previous.language) void saveNotificationLanguage(state.language).catch(() => undefined);
      }),
    [],
  );
  useEffect(() => {
    const refresh = () => void loadInbox().catch(() => undefined);
    refresh();
    return onReconnect(refresh);
  }, []);
  return (
    <StaffLayout route={route}>
      <Suspense fallback={<LoadingScreen />}>
        <StaffScreen route={route} />
      </Suspense>
    </StaffLayout>
  );
}

function StaffScreen({ route }: { route: Route }) {
  switch (route.name) {
    case "conversation":
      return <ConversationScreen key={`${route.circleId}:${route.thread}`} circleId={route.circleId} thread={route.thread} />;
    case "members":
      return <MembersScreen key={route.circleId} circleId={route.circleId} />;
    case "circle-settings":
      return <CircleSettingsScreen key={route.circleId} circleId={route.circleId} />;
    case "alert":
      return <AlertScreen key={route.alertId} circleId={route.circleId} alertId={route.alertId} />;
    case "join":
      return <JoinScreen key={route.code} code={route.code} />;
    case "alerts":
      return <AlertsScreen />;
    case "notifications":
      return <NotificationsScreen />;
    case "account":
      return <AccountScreen />;
    case "reset-password":
      return <ResetPasswordScreen token={route.token} />;
    case "not-found":
      return <NotFoundContent />;
    case "calendar":
      return <CalendarScreen key={route.circleId} circleId={route.circleId} view={route.view} />;
    case "plan-new":
      return <PlanFormScreen key={route.circleId} circleId={route.circleId} />;
    case "plan-edit":
      return <PlanFormScreen key={route.planId} circleId={route.circleId} planId={route.planId} />;
    case "today":
      return <TodayScreen />;
    case "access-log":
      return <AccessLogScreen key={route.circleId} circleId={route.circleId} />;
    default:
      return <CirclesScreen />;
  }
}

function NavLink({ to, isCurrent, children }: { to: string; isCurrent: boolean; children: React.ReactNode }) {
  return (
    <Link to={to} className="nav-link" aria-current={isCurrent ? "page" : undefined}>
      {children}
    </Link>
  );
}

function StaffLayout({ route, children }: { route: Route; children: React.ReactNode }) {
  const { t } = useT();
  const user = useSessionStore((state) => state.user);
  const activeAlerts = useAlertsStore((state) => Object.values(state.alertsById).filter(isActiveAlert).length);
  const inCircle =
    route.name === "conversation" || route.name === "members" || route.name === "circle-settings" || route.name === "calendar" || route.name === "plan-new" || route.name === "plan-edit" || route.name === "access-log";
  return (
    <div className="staff">
      <a className="skip-link" href="#main">
        {t("skipToContent")}
      </a>
      <AlertBanner />
      <header className="staff-header">
        <Link to={paths.home} className="brand">
          <span className="brand-mark" aria-hidden="true" />
          {t("appName")}
        </Link>
        <nav aria-label={t("mainNavigation")} className="main-nav">
          <ul>
            <li>
              <NavLink to={paths.circles} isCurrent={route.name === "circles" || route.name === "home" || inCircle}>
                {t("navCircles")}
              </NavLink>
            </li>
            <li>
              <NavLink to={paths.today} isCurrent={route.name === "today"}>
                {t("navToday")}
              </NavLink>
            </li>
            <li>
              <NavLink to={paths.alerts} isCurrent={route.name === "alerts" || route.name === "alert"}>
                {t("navAlerts")}
                {activeAlerts > 0 ? <span className="badge badge-alert">{activeAlerts}</span> : null}
              </NavLink>
            </li>
            <li>
              <NavLink to={paths.notifications} isCurrent={route.name === "notifications"}>
                {t("navNotifications")}
              </NavLink>
            </li>
          </ul>
        </nav>
        <div className="header-tools">
          <LanguageSwitch />
          <Link to={paths.account} className="header-user" aria-current={route.name === "account" ? "page" : undefined}>
            {user?.name}
          </Link>
          <button type="button" className="button button-secondary" onClick={() => void useSessionStore.getState().signOut()}>
            {t("signOut")}
          </button>
        </div>
      </header>
      <ConnectionBanner />
      <NoticeList />
      <main id="main" className="staff-main">
        {children}
      </main>
    </div>
  );
}
