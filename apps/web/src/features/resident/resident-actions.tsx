import { useEffect, useId } from "react";
import { useShallow } from "zustand/react/shallow";
import { selectResidentAlert, useAlertsStore, type RaisableKind } from "../alerts/alerts.store";
import { memberName, useCirclesStore } from "../circles/circles.store";
import { formatClock } from "../i18n/format";
import { ActionIcon } from "./action-icon";
import { useT } from "../i18n/use-t";

/** The three big buttons. Each says what happened in words right under it, never only by colour. */
export function ResidentActions({ circleId }: { circleId: string }) {
  const { t } = useT();
  const headingId = useId();
  return (
    <section className="resident-actions" aria-labelledby={headingId}>
      <h2 id={headingId} className="visually-hidden">
        {t("residentActions")}
      </h2>
      <AlertAction circleId={circleId} kind="help" />
      <CheckinAction circleId={circleId} />
      <AlertAction circleId={circleId} kind="call_me" />
    </section>
  );
}

function AlertAction({ circleId, kind }: { circleId: string; kind: RaisableKind }) {
  const { t } = useT();
  const hintId = useId();
  const { pending, alert } = useAlertsStore(useShallow((state) => selectResidentAlert(state, circleId, kind)));
  const members = useCirclesStore((state) => state.membersByCircle[circleId]);
  const isHelp = kind === "help";
  const claimedBy = alert?.claimedBy ?? null;
  useEffect(() => {
    if (members && claimedBy) useCirclesStore.getState().ensureMembers(circleId, [claimedBy]);
  }, [circleId, claimedBy, members]);

  const press = () => {
    // Pressing again while help is on its way must not page everyone a second time.
    if (alert || (pending && pending.status !== "failed")) return;
    if (pending?.status === "failed") useAlertsStore.setState((s) => ({ pendingRaises: s.pendingRaises.filter((p) => p !== pending) }));
    useAlertsStore.getState().raise(circleId, kind);
  };

  let status: string | undefined;
  let tone: "waiting" | "coming" | "failed" = "waiting";
  if (alert?.status === "claimed") {
    const name = memberName(members, alert.claimedBy) ?? t("someone");
    status = isHelp ? t("helpComing", { name }) : t("callMeComing", { name });
    tone = "coming";
  } else if (alert?.status === "unanswered") {
    status = isHelp ? t("helpUnanswered") : t("callMeWaiting");
  } else if (alert) {
    status = isHelp ? t("helpWaiting") : t("callMeWaiting");
  } else if (pending?.status === "failed") {
    status = t("actionFailed");
    tone = "failed";
  } else if (pending) {
    status = isHelp ? t("helpSending") : t("callMeWaiting");
  }

  return (
    <div className={`resident-action resident-action-${kind}`}>
      <button type="button" className={`big-button big-button-${kind}`} aria-describedby={hintId} onClick={press}>
        <ActionIcon kind={kind} />
        <span>{isHelp ? t("needHelp") : t("callMe")}</span>
      </button>
      <div id={hintId} role="status" className={status ? `action-status action-status-${tone}` : "action-hint"}>
        {status ?? (isHelp ? t("needHelpHint") : t("callMeHint"))}
      </div>
    </div>
  );
}

function CheckinAction({ circleId }: { circleId: string }) {
  const { t, locale } = useT();
  const hintId = useId();
  const checkin = useAlertsStore((state) => state.checkin);
  const isMine = checkin.circleId === circleId;
  let status: string | undefined;
  let tone: "waiting" | "coming" | "failed" = "waiting";
  if (isMine && checkin.status === "done") {
    status = `${t("checkinDone")} ${checkin.at ? formatClock(new Date(checkin.at), locale) : ""}`.trim();
    tone = "coming";
  } else if (isMine && (checkin.status === "sending" || checkin.status === "waiting")) {
    status = t("checkinSending");
  } else if (isMine && checkin.status === "failed") {
    status = t("actionFailed");
    tone = "failed";
  }
  return (
    <div className="resident-action resident-action-ok">
      <button
        type="button"
        className="big-button big-button-ok"
        aria-describedby={hintId}
        onClick={() => void useAlertsStore.getState().checkIn(circleId)}
      >
        <ActionIcon kind="ok" />
        <span>{t("imOk")}</span>
      </button>
      <div id={hintId} role="status" className={status ? `action-status action-status-${tone}` : "action-hint"}>
        {status ?? t("imOkHint")}
      </div>
    </div>
  );
}
