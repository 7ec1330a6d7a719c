import { useEffect, useMemo } from "react";
import { Page } from "../../navigation/page";
import { useCirclesStore } from "../circles/circles.store";
import { useT } from "../i18n/use-t";
import { AlertCard } from "./alert-card";
import { loadInbox, sortForInbox } from "./alert-actions";
import { useAlertsStore } from "./alerts.store";

/** Every alert of every circle I am in, open ones first: the professional's one inbox. */
export function AlertsScreen() {
  const { t } = useT();
  const alertsById = useAlertsStore((state) => state.alertsById);
  const inboxState = useAlertsStore((state) => state.inboxState);
  const alerts = useMemo(() => sortForInbox(Object.values(alertsById)), [alertsById]);
  const circleIds = useMemo(() => [...new Set(alerts.map((a) => a.circleId))].sort().join(","), [alerts]);

  useEffect(() => {
    void loadInbox().catch(() => undefined);
  }, []);
  // Names of who raised and who is paged come from each circle's member list.
  useEffect(() => {
    const { membersByCircle, loadMembers } = useCirclesStore.getState();
    for (const id of circleIds.split(",").filter(Boolean)) {
      if (!membersByCircle[id]) void loadMembers(id).catch(() => undefined);
    }
  }, [circleIds]);

  return (
    <Page title={t("alertsTitle")}>
      {inboxState === "failed" && alerts.length === 0 ? (
        <p className="banner banner-warning">
          {t("errorNetwork")}{" "}
          <button type="button" className="button button-small" onClick={() => void loadInbox().catch(() => undefined)}>
            {t("retry")}
          </button>
        </p>
      ) : null}
      {inboxState === "loading" && alerts.length === 0 ? <p role="status">{t("loading")}</p> : null}
      {inboxState === "loaded" && alerts.length === 0 ? <p className="empty-state">{t("noAlerts")}</p> : null}
      <ul className="card-list">
        {alerts.map((alert) => (
          <li key={alert.id}>
            <AlertCard alert={alert} showCircle />
          </li>
        ))}
      </ul>
    </Page>
  );
}
