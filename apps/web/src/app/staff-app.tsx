import { lazy, Suspense, useEffect } from "react";
import { loadInbox } from "../features/alerts/alert-actions";
import { AlertsScreen } from "../features/alerts/alerts-screen";
import { isActiveAlert, useAlertsStore } from "../features/alerts/alerts.store";
import { NoticeList } from "../features/alerts/notice-list";
import { CirclesScreen } from "../features/circles/circles-screen";
import { MembersScreen } from "../features/circles/members-screen";
import { ConnectionBanner } from "../features/connection/connection-banner";
import { onReconnect } from "../features/connection/connection.store";
import { useI18nStore } from "../features/i18n/i18n.store";
import { LanguageSwitch } from "../features/i18n/language-switch";
import { saveNotificationLanguage } from "../features/settings/notification-language";
import { useT } from "../features/i18n/use-t";
import { ConversationScreen } from "../features/messages/conversation-screen";
import { useSessionStore } from "../features/session/session.store";
import { Link } from "./link";
import { LoadingScreen, Page } from "./page";
import { paths, useRoute, type Route } from "./router";

// Settings screens are visited rarely; they load on demand.
const CircleSettingsScreen = lazy(() => import("../features/settings/circle-settings-screen"));
const NotificationsScreen = lazy(() => import("../features/settings/notifications-screen"));

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
  const { t } = useT();
  switch (route.name) {
    case "conversation":
      return <ConversationScreen key={route.circleId} circleId={route.circleId} />;
    case "members":
      return <MembersScreen key={route.circleId} circleId={route.circleId} />;
    case "circle-settings":
      return <CircleSettingsScreen key={route.circleId} circleId={route.circleId} />;
    case "alerts":
      return <AlertsScreen />;
    case "notifications":
      return <NotificationsScreen />;
    case "not-found":
      return (
        <Page title={t("circlesTitle")}>
          <p>
            <Link to={paths.circles}>{t("backToCircles")}</Link>
          </p>
        </Page>
      );
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
  const inCircle = route.name === "conversation" || route.name === "members" || route.name === "circle-settings";
  return (
    <div className="staff">
      <a className="skip-link" href="#main">
        {t("skipToContent")}
      </a>
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
              <NavLink to={paths.alerts} isCurrent={route.name === "alerts"}>
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
          <span className="header-user">{user?.name}</span>
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
