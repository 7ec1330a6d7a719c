import { useEffect } from "react";
import { useT } from "../i18n/use-t";
import { CircleFrame } from "./circle-frame";
import { loadPresence } from "./circle-actions";
import { InvitationsPanel } from "./invitations-panel";
import { useCirclesStore } from "./circles.store";
import { presenceText } from "./presence-text";
import { ResidentContact } from "../alerts/resident-contact";
import { ResidentProfileForm } from "./resident-profile-form";
import { LeaveCircleButton, RemoveMemberButton } from "./member-removal";
import { useSessionStore } from "../session/session.store";

export function MembersScreen({ circleId }: { circleId: string }) {
  const translator = useT();
  const { t } = translator;
  const members = useCirclesStore((state) => state.membersByCircle[circleId]);
  const presence = useCirclesStore((state) => state.presenceByCircle[circleId]);
  const circle = useCirclesStore((state) => state.circles.find((c) => c.id === circleId));
  const myRole = circle?.myRole;
  const myId = useSessionStore((state) => state.user?.id);

  useEffect(() => {
    void useCirclesStore.getState().loadMembers(circleId).catch(() => undefined);
    void loadPresence(circleId).catch(() => undefined);
  }, [circleId]);

  return (
    <CircleFrame circleId={circleId} tab="members">
      <h2>{t("membersTitle")}</h2>
      {myRole === "volunteer" ? <p>{t("volunteerIntro")}</p> : null}
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
              {member.role === "resident" ? <ResidentContact resident={member} /> : null}
              {myRole === "coordinator" && member.userId !== myId ? (
                <RemoveMemberButton circleId={circleId} userId={member.userId} name={member.name} />
              ) : null}
            </li>
          );
        })}
      </ul>
      {myRole === "coordinator"
        ? members
            ?.filter((member) => member.role === "resident")
            .map((resident) => <ResidentProfileForm key={resident.userId} circleId={circleId} resident={resident} />)
        : null}
      {myRole === "coordinator" ? <InvitationsPanel circleId={circleId} /> : null}
      {circle ? <LeaveCircleButton circleId={circleId} circleName={circle.name} /> : null}
    </CircleFrame>
  );
}
