import type { Alert } from "@kring/protocol";
import { useEffect, useId, useState, type FormEvent } from "react";
import { memberName, useCirclesStore } from "../circles/circles.store";
import { formatDateTime, formatList, formatMessageTime } from "../i18n/format";
import { useT } from "../i18n/use-t";
import { useSessionStore } from "../session/session.store";
import { AlertActionError, claimAlert, resolveAlert } from "./alert-actions";
import { useSeenAlertsStore } from "./alert-banner";
import { alertResident, ResidentContact } from "./resident-contact";
import { FormError } from "../../ui/form-field";

/** One alert with what can be done about it: "I'm on it" while nobody is, then "resolved". */
export function AlertCard({ alert, showCircle }: { alert: Alert; showCircle: boolean }) {
  const { t, locale } = useT();
  const headingId = useId();
  const noteId = useId();
  const userId = useSessionStore((state) => state.user?.id);
  const members = useCirclesStore((state) => state.membersByCircle[alert.circleId]);
  const circleName = useCirclesStore((state) => state.circles.find((c) => c.id === alert.circleId)?.name ?? "");
  const [note, setNote] = useState("");
  const [error, setError] = useState<string>();
  const [isBusy, setIsBusy] = useState(false);

  useEffect(() => {
    // Unknown members (or a list not loaded yet, in the inbox across circles): names and the
    // resident's phone and address come with the member list.
    useCirclesStore.getState().ensureMembers(alert.circleId, [alert.raisedBy, alert.claimedBy, ...alert.paged.map((p) => p.userId)]);
  }, [alert]);

  const nameOf = (id: string | null) => (id === userId ? t("you") : (memberName(members, id) ?? t("someone")));
  const raisedBy = alert.raisedBy === null ? t("kringItself") : nameOf(alert.raisedBy);
  const statusText =
    alert.status === "claimed"
      ? alert.claimedBy === userId
        ? t("alertClaimedByYou")
        : t("alertStatus_claimed", { name: nameOf(alert.claimedBy) })
      : t(`alertStatus_${alert.status}`);
  const paged = [...new Set(alert.paged.map((p) => p.userId))].map(nameOf);
  const canClaim = (alert.status === "open" || alert.status === "unanswered") && alert.raisedBy !== userId;
  const canResolve = alert.status === "claimed";

  const run = async (action: () => Promise<void>) => {
    setIsBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (caught) {
      const code = caught instanceof AlertActionError ? caught.code : undefined;
      setError(
        code === "network"
          ? t("errorNetwork")
          : code === "forbidden"
            ? t("errorForbidden")
            : code === "conflict"
              ? caught instanceof AlertActionError && caught.claimedBy
                ? t("alertAlreadyClaimed", { name: caught.claimedBy.name })
                : t("alertAlreadyHandled")
              : t("errorGeneric"),
      );
    } finally {
      setIsBusy(false);
    }
  };

  const resolve = (event: FormEvent) => {
    event.preventDefault();
    void run(() => resolveAlert(alert.id, note));
  };

  return (
    <article className={`alert-card alert-card-${alert.status} alert-card-kind-${alert.kind}`} aria-labelledby={headingId}>
      <h2 id={headingId} className="alert-card-title">
        {t(`alertKind_${alert.kind}`)}
      </h2>
      <p className="alert-card-meta">
        {showCircle ? t("alertFrom", { name: raisedBy, circle: circleName }) : raisedBy} ·{" "}
        <time dateTime={alert.createdAt}>{formatDateTime(alert.createdAt, locale)}</time>
      </p>
      <p className="alert-card-status">
        <strong>{statusText}</strong>
      </p>
      {paged.length > 0 && alert.status !== "resolved" ? (
        <p className="alert-card-paged">{t("alertPaged", { names: formatList(paged, locale) })}</p>
      ) : null}
      <ResidentContact resident={alertResident(alert, members)} />
      <AlertTimeline alert={alert} nameOf={(id) => memberName(members, id) ?? t("someone")} />
      {alert.note ? <p>{t("alertNote", { note: alert.note })}</p> : null}
      <FormError text={error} />
      <div className="alert-card-actions">
        {canClaim ? (
          <button
            type="button"
            className="button button-urgent"
            disabled={isBusy}
            onClick={() => {
              useSeenAlertsStore.getState().markSeen(alert.id);
              void run(() => claimAlert(alert.id));
            }}
          >
            {t("claimAlert")}
          </button>
        ) : null}
        {canResolve ? (
          <form className="resolve-form" onSubmit={resolve}>
            <label htmlFor={noteId}>{t("resolveNote")}</label>
            <input id={noteId} value={note} maxLength={1000} onChange={(event) => setNote(event.target.value)} />
            <button type="submit" className="button button-secondary" disabled={isBusy}>
              {t("resolveAlert")}
            </button>
          </form>
        ) : null}
      </div>
    </article>
  );
}

/** Raised, paged, claimed, resolved: by whom (names, also one's own: a record) and when, from the alert's history. */
function AlertTimeline({ alert, nameOf }: { alert: Alert; nameOf: (id: string | null) => string }) {
  const { t, locale } = useT();
  const labelId = useId();
  const text = (entry: Alert["history"][number]) => {
    switch (entry.type) {
      case "raised":
        return entry.userId === null ? t("timeline_raisedByKring") : t("timeline_raised", { name: nameOf(entry.userId) });
      case "paged":
        return t("timeline_paged", { name: nameOf(entry.userId) });
      case "unanswered":
        return t("timeline_unanswered");
      case "claimed":
        return t("timeline_claimed", { name: nameOf(entry.userId) });
      case "resolved":
        return t("timeline_resolved", { name: nameOf(entry.userId) });
    }
  };
  return (
    <>
      <h3 id={labelId} className="visually-hidden">
        {t("timelineLabel")}
      </h3>
      <ol className="alert-timeline" aria-labelledby={labelId}>
        {alert.history.map((entry, index) => (
          <li key={`${entry.type}-${entry.userId ?? ""}-${index}`}>
            <time dateTime={entry.at}>{formatMessageTime(entry.at, locale)}</time>
            {text(entry)}
          </li>
        ))}
      </ol>
    </>
  );
}
