import { ALERT_CANCEL_WINDOW_MS } from "../../lib/protocol-constants";
import { useEffect, useId } from "react";
import { useShallow } from "zustand/react/shallow";
import { selectResidentAlert, useAlertsStore, type RaisableKind } from "../alerts/alerts.store";
import { memberName, useCirclesStore } from "../circles/circles.store";
import { useConnectionStore } from "../connection/connection.store";
import { formatClock } from "../i18n/format";
import { ActionIcon } from "./action-icon";
import { useClock } from "./use-clock";
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

/**
 * The number the tablet tells a resident to phone when Help cannot go out. The circle's member list
 * carries no phone numbers (a coordinator's SMS number is their private notification setting), so
 * this is the European emergency number until the circle keeps a contact number for this purpose.
 */
const URGENT_NUMBER = "112";

type Tone = "waiting" | "coming" | "failed";

function AlertAction({ circleId, kind }: { circleId: string; kind: RaisableKind }) {
  const { t } = useT();
  const hintId = useId();
  const { pending, alert } = useAlertsStore(useShallow((state) => selectResidentAlert(state, circleId, kind)));
  const cancel = useAlertsStore((state) => state.cancel);
  const connection = useConnectionStore((state) => state.status);
  const members = useCirclesStore((state) => state.membersByCircle[circleId]);
  const isHelp = kind === "help";
  const claimedBy = alert?.claimedBy ?? null;
  useEffect(() => {
    if (members && claimedBy) useCirclesStore.getState().ensureMembers(circleId, [claimedBy]);
  }, [circleId, claimedBy, members]);

  // The clock ticks every 5 s, so the button goes within seconds of the end of the window.
  const now = useClock(5_000);
  const pressedAt = pending?.createdAt ?? alert?.createdAt;
  const canCancel = pressedAt !== undefined && now.getTime() < Date.parse(pressedAt) + ALERT_CANCEL_WINDOW_MS;
  const isCancelShown = isHelp && canCancel && (alert !== undefined || (pending !== undefined && !pending.isCancelRequested));

  const press = () => {
    // Pressing again while help is on its way must not page everyone a second time.
    if (alert || (pending && pending.status !== "failed")) return;
    useAlertsStore.getState().raise(circleId, kind);
  };

  // Only what is true now: "being called" only once the server has stored the call.
  let status: string | undefined;
  let tone: Tone = "waiting";
  const urgent = { number: URGENT_NUMBER };
  const isCancelAbout = cancel.circleId === circleId && cancel.kind === kind;
  if (isCancelAbout && cancel.status === "sending") {
    status = t("cancelSending");
  } else if (alert?.status === "claimed") {
    const name = memberName(members, alert.claimedBy) ?? t("someone");
    status = isHelp ? t("helpComing", { name }) : t("callMeComing", { name });
    tone = "coming";
  } else if (isCancelAbout && cancel.status === "too_late" && alert) {
    status = t("cancelTooLate");
  } else if (isCancelAbout && cancel.status === "offline" && alert) {
    status = t("cancelOffline");
    tone = "failed";
  } else if (isCancelAbout && cancel.status === "failed" && alert) {
    status = t("cancelFailed");
    tone = "failed";
  } else if (alert?.status === "unanswered") {
    status = isHelp ? t("helpUnanswered") : t("callMeWaiting");
  } else if (alert) {
    status = isHelp ? t("helpWaiting") : t("callMeWaiting");
  } else if (pending?.status === "failed") {
    status = isHelp ? t("helpFailed", urgent) : t("actionFailed");
    tone = "failed";
  } else if (pending && connection !== "online") {
    status = isHelp ? t("helpOffline", urgent) : t("callMeOffline");
    tone = "failed";
  } else if (pending?.retry === "busy") {
    status = isHelp ? t("helpBusy", urgent) : t("callMeBusy");
    tone = "failed";
  } else if (pending) {
    status = isHelp ? t("helpSending") : t("callMeSending");
  } else if (isCancelAbout && cancel.status === "done") {
    status = t("helpCancelled");
    tone = "coming";
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
      {isCancelShown ? (
        <button
          type="button"
          className="mistake-button"
          disabled={cancel.status === "sending" && isCancelAbout}
          onClick={() => void useAlertsStore.getState().cancelRaise(circleId, kind)}
        >
          {t("pressedByMistake")}
        </button>
      ) : null}
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
