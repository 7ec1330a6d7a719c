import { InvitationRole, type InvitationResponse } from "@kring/protocol";
import { useEffect, useId, useState, type FormEvent } from "react";
import { errorKey } from "../../ui/error-text";
import { formatDateTime } from "../i18n/format";
import { useT } from "../i18n/use-t";
import { CircleFrame } from "./circle-frame";
import { createInvitation, loadPresence } from "./circle-actions";
import { useCirclesStore } from "./circles.store";
import { presenceText } from "./presence-text";

export function MembersScreen({ circleId }: { circleId: string }) {
  const translator = useT();
  const { t } = translator;
  const members = useCirclesStore((state) => state.membersByCircle[circleId]);
  const presence = useCirclesStore((state) => state.presenceByCircle[circleId]);
  const myRole = useCirclesStore((state) => state.circles.find((c) => c.id === circleId)?.myRole);

  useEffect(() => {
    void useCirclesStore.getState().loadMembers(circleId).catch(() => undefined);
    void loadPresence(circleId).catch(() => undefined);
  }, [circleId]);

  return (
    <CircleFrame circleId={circleId} tab="members">
      <h2>{t("membersTitle")}</h2>
      {members === undefined ? <p role="status">{t("loading")}</p> : null}
      <ul className="member-list">
        {members?.map((member) => {
          const entry = presence?.[member.userId];
          return (
            <li key={member.userId} className="member">
              <span className={entry?.isOnline ? "presence-dot presence-dot-online" : "presence-dot"} aria-hidden="true" />
              <span className="member-name">{member.name}</span>
              <span className="member-role">{t(`role_${member.role}`)}</span>
              <span className="member-presence">{presenceText(entry, translator)}</span>
            </li>
          );
        })}
      </ul>
      {myRole === "coordinator" ? <InvitationForm circleId={circleId} /> : null}
    </CircleFrame>
  );
}

function InvitationForm({ circleId }: { circleId: string }) {
  const { t, locale } = useT();
  const roleId = useId();
  const [role, setRole] = useState<InvitationRole>("family");
  const [invitation, setInvitation] = useState<InvitationResponse>();
  const [error, setError] = useState<string>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      setInvitation(await createInvitation(circleId, role));
      setError(undefined);
    } catch (caught) {
      setError(t(errorKey(caught)));
    }
  };
  // Residents join through a pairing code (circle settings), never an invitation.
  const roles = InvitationRole.options;
  return (
    <form className="panel" onSubmit={submit}>
      <h2>{t("inviteTitle")}</h2>
      <div className="field">
        <label htmlFor={roleId}>{t("inviteRole")}</label>
        <select id={roleId} value={role} onChange={(event) => setRole(event.target.value as InvitationRole)}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {t(`role_${r}`)}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="button button-primary">
        {t("createInvitation")}
      </button>
      <div role="status">
        {invitation ? (
          <div className="code-box">
            <p>{t("invitationCreated", { date: formatDateTime(invitation.expiresAt, locale) })}</p>
            <p className="code">{invitation.code}</p>
          </div>
        ) : null}
      </div>
      {error ? (
        <p role="alert" className="form-error">
          {error}
        </p>
      ) : null}
    </form>
  );
}
