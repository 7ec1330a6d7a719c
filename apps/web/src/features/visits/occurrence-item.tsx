import { useId, useState, type FormEvent } from "react";
import { Link } from "../../navigation/link";
import { paths } from "../../navigation/router";
import { ApiError } from "../../lib/api";
import { memberName, useCirclesStore } from "../circles/circles.store";
import { formatClock } from "../i18n/format";
import { useT } from "../i18n/use-t";
import { useSessionStore } from "../session/session.store";
import { useVisitsStore } from "./visits.store";
import type { Occurrence, OccurrenceAction } from "./visits.types";
import { FormError } from "../../ui/form-field";

/** Check-in, check-out and complete take an optional note the circle sees. */
const WITH_NOTE = new Set<OccurrenceAction>(["check-in", "check-out", "complete"]);

/**
 * One visit or task: when, what, who (or "open"), its status in words (the colour only repeats
 * them), and what this member can do about it. Used by the calendar, the open slots and "today".
 */
export function OccurrenceItem({ occurrence, showCircle, showDay }: { occurrence: Occurrence; showCircle?: boolean; showDay?: boolean }) {
  const { t, locale } = useT();
  const headingId = useId();
  const noteId = useId();
  const userId = useSessionStore((state) => state.user?.id);
  const members = useCirclesStore((state) => state.membersByCircle[occurrence.circleId]);
  const circle = useCirclesStore((state) => state.circles.find((c) => c.id === occurrence.circleId));
  const createdBy = useVisitsStore((state) => state.plansById[occurrence.planId]?.createdBy);
  const [note, setNote] = useState("");
  const [error, setError] = useState<string>();
  const [isBusy, setIsBusy] = useState(false);

  const isMine = occurrence.assigneeId !== null && occurrence.assigneeId === userId;
  const isCoordinator = circle?.myRole === "coordinator";
  const isResident = circle?.myRole === "resident";
  // The server decides; these only spare people buttons that would answer "not allowed".
  const canEditPlan = isCoordinator || (createdBy !== undefined && createdBy === userId);
  const assigneeName = isMine ? t("you") : (memberName(members, occurrence.assigneeId) ?? t("someone"));
  const start = new Date(occurrence.start);
  const end = new Date(occurrence.end);
  const time =
    occurrence.kind === "visit" ? `${formatClock(start, locale)}–${formatClock(end, locale)}` : t("taskDueAt", { time: formatClock(start, locale) });
  const day = new Intl.DateTimeFormat(locale, { weekday: "long", day: "numeric", month: "long" }).format(start);

  const actions: Array<{ action: OccurrenceAction; label: string; style: string }> = [];
  const isActive = occurrence.status !== "cancelled" && occurrence.status !== "done";
  if (occurrence.status === "open" && !isResident) actions.push({ action: "claim", label: t("visitClaim"), style: "button-primary" });
  if (isMine && (occurrence.status === "planned" || occurrence.status === "missed")) {
    if (occurrence.kind === "visit") actions.push({ action: "check-in", label: t("visitCheckIn"), style: "button-primary" });
    else actions.push({ action: "complete", label: t("visitComplete"), style: "button-primary" });
  }
  if (isMine && occurrence.status === "in_progress") actions.push({ action: "check-out", label: t("visitCheckOut"), style: "button-primary" });
  if ((isMine || isCoordinator) && occurrence.assigneeId !== null && (occurrence.status === "planned" || occurrence.status === "missed")) {
    actions.push({ action: "release", label: t(isMine ? "visitRelease" : "visitReleaseOther"), style: "button-secondary" });
  }
  if (canEditPlan && (occurrence.status === "open" || occurrence.status === "planned")) {
    actions.push({ action: "cancel", label: t("visitCancelOne"), style: "button-secondary" });
  }
  const takesNote = actions.some((a) => WITH_NOTE.has(a.action));

  const run = async (action: OccurrenceAction) => {
    if (action === "cancel" && !window.confirm(t("visitCancelConfirm"))) return;
    setIsBusy(true);
    setError(undefined);
    try {
      await useVisitsStore.getState().act(occurrence.id, action, WITH_NOTE.has(action) ? note : undefined);
      setNote("");
    } catch (caught) {
      setError(await errorText(caught, action));
    } finally {
      setIsBusy(false);
    }
  };

  /** A lost claim names who won, read from the occurrence as it is now. */
  const errorText = async (caught: unknown, action: OccurrenceAction): Promise<string> => {
    const code = caught instanceof ApiError ? caught.code : undefined;
    if (code === "network") return t("errorNetwork");
    if (code === "forbidden") return t("errorForbidden");
    if (code === "conflict" && action === "claim") {
      await useVisitsStore.getState().reloadAll();
      const now = useVisitsStore.getState().occurrencesById[occurrence.id];
      const winner = memberName(useCirclesStore.getState().membersByCircle[occurrence.circleId], now?.assigneeId ?? null);
      return winner ? t("visitAlreadyTaken", { name: winner }) : t("visitAlreadyTakenSomeone");
    }
    if (code === "conflict") return t("visitChangedMeanwhile");
    return t("errorGeneric");
  };

  const submit = (event: FormEvent) => event.preventDefault();

  return (
    <article className={`occurrence occurrence-${occurrence.status}`} aria-labelledby={headingId}>
      <p className="occurrence-when">
        {showDay ? <span className="occurrence-day">{day} · </span> : null}
        <time dateTime={occurrence.start}>{time}</time>
        {occurrence.dstShifted ? <span className="occurrence-dst"> {t("visitDstShifted")}</span> : null}
      </p>
      <h3 id={headingId} className="occurrence-title">
        <span className="occurrence-kind">{t(occurrence.kind === "visit" ? "kindVisit" : "kindTask")}:</span> {occurrence.title}
      </h3>
      {showCircle && circle ? <p className="occurrence-circle">{circle.name}</p> : null}
      <p className="occurrence-status">
        <span className={`status-word status-${occurrence.status}`}>{t(`occurrenceStatus_${occurrence.status}`)}</span>{" "}
        {occurrence.assigneeId !== null ? <span>{t("visitWho", { name: assigneeName })}</span> : null}
      </p>
      {occurrence.checkedInAt ? <p className="occurrence-meta">{t("visitCheckedInAt", { time: formatClock(new Date(occurrence.checkedInAt), locale) })}</p> : null}
      {occurrence.checkedOutAt ? (
        <p className="occurrence-meta">{t("visitCheckedOutAt", { time: formatClock(new Date(occurrence.checkedOutAt), locale) })}</p>
      ) : null}
      {occurrence.note ? <p className="occurrence-note">{t("visitNote", { note: occurrence.note })}</p> : null}
      <FormError text={error} />
      {isActive && actions.length > 0 ? (
        <form className="occurrence-actions" onSubmit={submit}>
          {takesNote ? (
            <div className="field occurrence-note-field">
              <label htmlFor={noteId}>{t("visitNoteLabel")}</label>
              <input id={noteId} value={note} maxLength={1000} onChange={(event) => setNote(event.target.value)} />
            </div>
          ) : null}
          <div className="actions-row">
            {actions.map(({ action, label, style }) => (
              <button key={action} type="button" className={`button ${style}`} disabled={isBusy} onClick={() => void run(action)}>
                {label}
              </button>
            ))}
          </div>
        </form>
      ) : null}
      {canEditPlan ? (
        <p className="occurrence-edit">
          <Link to={paths.editPlan(occurrence.circleId, occurrence.planId)}>{t("visitEditSeries")}</Link>
        </p>
      ) : null}
    </article>
  );
}
