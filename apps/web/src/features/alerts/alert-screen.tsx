import { AlertsResponse } from "@kring/protocol";
import { useEffect, useState } from "react";
import { Link } from "../../navigation/link";
import { Page } from "../../navigation/page";
import { paths } from "../../navigation/router";
import { api } from "../../lib/api";
import { useCirclesStore } from "../circles/circles.store";
import { useT } from "../i18n/use-t";
import { AlertCard } from "./alert-card";
import { useAlertsStore } from "./alerts.store";

/**
 * One alert, opened from a link Kring sent (an alert email, a push, an in-app notice). Its circle's
 * alerts are fetched, so an alert older than the inbox's newest still opens.
 */
export function AlertScreen({ circleId, alertId }: { circleId: string; alertId: string }) {
  const { t } = useT();
  const alert = useAlertsStore((state) => state.alertsById[alertId]);
  const [loadState, setLoadState] = useState<"loading" | "loaded" | "failed">("loading");

  useEffect(() => {
    let isCurrent = true;
    void useCirclesStore.getState().loadMembers(circleId).catch(() => undefined);
    api.get(`/api/circles/${circleId}/alerts`, AlertsResponse).then(
      ({ alerts }) => {
        useAlertsStore.getState().upsert(alerts);
        if (isCurrent) setLoadState("loaded");
      },
      () => {
        if (isCurrent) setLoadState("failed");
      },
    );
    return () => {
      isCurrent = false;
    };
  }, [circleId, alertId]);

  const isHere = alert !== undefined && alert.circleId === circleId;
  return (
    <Page title={t("alertTitle")}>
      {isHere ? <AlertCard alert={alert} showCircle /> : null}
      {!isHere && loadState === "loading" ? <p role="status">{t("loading")}</p> : null}
      {!isHere && loadState !== "loading" ? <p className="empty-state">{t("alertNotFound")}</p> : null}
      <p className="actions-row">
        <Link to={paths.alerts}>{t("allAlerts")}</Link>
        <Link to={paths.conversation(circleId)}>{t("openConversation")}</Link>
      </p>
    </Page>
  );
}
