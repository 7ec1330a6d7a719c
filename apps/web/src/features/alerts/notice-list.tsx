import { Link } from "../../app/link";
import { paths } from "../../app/router";
import { useT } from "../i18n/use-t";
import { dismissNotice } from "./alert-actions";
import { useAlertsStore } from "./alerts.store";

/**
 * In-app pages. Urgent ones are announced assertively; the text is the server's neutral
 * sentence, and the details are one click away in the inbox.
 */
export function NoticeList() {
  const { t } = useT();
  const notices = useAlertsStore((state) => state.notices);
  return (
    <div className="notices">
      <div role="alert" className="notice-region">
        {notices
          .filter((n) => n.urgent)
          .map((notice) => (
            <Notice key={notice.id} id={notice.id} text={notice.text} urgent t={t} />
          ))}
      </div>
      <div role="status" className="notice-region">
        {notices
          .filter((n) => !n.urgent)
          .map((notice) => (
            <Notice key={notice.id} id={notice.id} text={notice.text} urgent={false} t={t} />
          ))}
      </div>
    </div>
  );
}

function Notice({ id, text, urgent, t }: { id: string; text: string; urgent: boolean; t: ReturnType<typeof useT>["t"] }) {
  return (
    <div className={urgent ? "notice notice-urgent" : "notice"}>
      <p>{text}</p>
      <Link to={paths.alerts} className="button button-small" onClick={() => dismissNotice(id)}>
        {t("openInbox")}
      </Link>
      <button type="button" className="button button-small button-secondary" onClick={() => dismissNotice(id)}>
        {t("dismiss")}
      </button>
    </div>
  );
}
