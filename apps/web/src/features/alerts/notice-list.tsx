import { Link } from "../../navigation/link";
import { notificationPath } from "./notification-path";
import { useT } from "../i18n/use-t";
import { dismissNotice } from "./alert-actions";
import { useBannerAlerts } from "./alert-banner";
import { useAlertsStore } from "./alerts.store";

/**
 * In-app pages. Urgent ones are announced assertively; the text is the server's neutral
 * sentence, and the details are one click away in the inbox.
 */
export function NoticeList() {
  const { t } = useT();
  const all = useAlertsStore((state) => state.notices);
  // A page for an alert the banner already shows would say the same thing twice.
  const inBanner = new Set(useBannerAlerts().map((alert) => alert.id));
  const notices = all.filter((notice) => notice.alertId === null || !inBanner.has(notice.alertId));
  return (
    <div className="notices">
      <div role="alert" className="notice-region">
        {notices
          .filter((n) => n.urgent)
          .map((notice) => (
            <Notice key={notice.id} id={notice.id} text={notice.text} to={notificationPath(notice)} urgent t={t} />
          ))}
      </div>
      <div role="status" className="notice-region">
        {notices
          .filter((n) => !n.urgent)
          .map((notice) => (
            <Notice key={notice.id} id={notice.id} text={notice.text} to={notificationPath(notice)} urgent={false} t={t} />
          ))}
      </div>
    </div>
  );
}

function Notice({ id, text, to, urgent, t }: { id: string; text: string; to: string; urgent: boolean; t: ReturnType<typeof useT>["t"] }) {
  return (
    <div className={urgent ? "notice notice-urgent" : "notice"}>
      <p>{text}</p>
      {/* The notice's own screen: the alert, the circle's settings (a ladder change) or its conversation. */}
      <Link to={to} className="button button-small" onClick={() => dismissNotice(id)}>
        {t("openInbox")}
      </Link>
      <button type="button" className="button button-small button-secondary" onClick={() => dismissNotice(id)}>
        {t("dismiss")}
      </button>
    </div>
  );
}
