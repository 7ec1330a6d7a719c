import { useState } from "react";
import { navigate, paths } from "../../navigation/router";
import { api } from "../../lib/api";
import { errorKey } from "../../ui/error-text";
import { useT } from "../i18n/use-t";
import { useSessionStore } from "../session/session.store";
import { useCirclesStore } from "./circles.store";
import { FormError } from "../../ui/form-field";

/**
 * "Remove" (coordinators, for someone else) and "Leave this circle" (anyone, for themselves), each
 * behind a confirmation that says what happens (issue #11).
 */
export function RemoveMemberButton({ circleId, userId, name }: { circleId: string; userId: string; name: string }) {
  const { t } = useT();
  return (
    <ConfirmedRemoval
      circleId={circleId}
      userId={userId}
      label={t("memberRemove", { name })}
      question={t("memberRemoveConfirm", { name })}
      yes={t("memberRemoveYes", { name })}
      onDone={() => void useCirclesStore.getState().loadMembers(circleId).catch(() => undefined)}
    />
  );
}

export function LeaveCircleButton({ circleId, circleName }: { circleId: string; circleName: string }) {
  const { t } = useT();
  const userId = useSessionStore((state) => state.user?.id);
  if (!userId) return null;
  return (
    <section className="panel" aria-label={t("leaveCircle")}>
      <ConfirmedRemoval
        circleId={circleId}
        userId={userId}
        label={t("leaveCircle")}
        question={t("leaveCircleConfirm", { circle: circleName })}
        yes={t("leaveCircleYes")}
        onDone={() => {
          void useCirclesStore.getState().loadCircles().catch(() => undefined);
          navigate(paths.circles);
        }}
      />
    </section>
  );
}

function ConfirmedRemoval(props: { circleId: string; userId: string; label: string; question: string; yes: string; onDone: () => void }) {
  const { t } = useT();
  const [isAsking, setIsAsking] = useState(false);
  const [error, setError] = useState<string>();
  const remove = async () => {
    try {
      await api.delete(`/api/circles/${props.circleId}/members/${props.userId}`);
      setIsAsking(false);
      props.onDone();
    } catch (caught) {
      setError(t(errorKey(caught, { conflict: "errorLastCoordinator" })));
    }
  };
  return (
    <div className="member-actions">
      {isAsking ? (
        <div role="group" aria-label={props.label}>
          <p>{props.question}</p>
          <div className="actions-row">
            <button type="button" className="button button-urgent" onClick={() => void remove()}>
              {props.yes}
            </button>
            <button
              type="button"
              className="button"
              onClick={() => {
                setIsAsking(false);
                setError(undefined);
              }}
            >
              {t("cancel")}
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className="button button-small button-secondary" onClick={() => setIsAsking(true)}>
          {props.label}
        </button>
      )}
      <FormError text={error} />
    </div>
  );
}
