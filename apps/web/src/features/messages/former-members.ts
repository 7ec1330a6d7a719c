import type { Member } from "@kring/protocol";
import { useEffect, useState } from "react";
import { api } from "../../lib/api";
import { FormerMembersResponse } from "../../lib/answer-shapes";

/**
 * Names of people who left or were removed (issue #11): their past messages stay in the
 * conversation and keep their name. Asked for once per circle, and only when a sender is not
 * among the current members. The tablet's conversation uses it too (the answer is checked with the
 * light shape of lib/answer-shapes.ts, so no zod rides along).
 */
export function useFormerMemberNames(circleId: string, senderIds: string, members: Member[] | undefined): Map<string, string> {
  const [names, setNames] = useState<Map<string, string>>(() => new Map());
  const hasUnknownSender = members !== undefined && senderIds.split(",").some((id) => id !== "" && !members.some((m) => m.userId === id));
  useEffect(() => {
    if (!hasUnknownSender) return;
    let isCurrent = true;
    api.get(`/api/circles/${circleId}/members`, FormerMembersResponse).then(
      ({ formerMembers }) => {
        if (isCurrent) setNames(new Map((formerMembers ?? []).map((former) => [former.userId, former.name])));
      },
      () => undefined,
    );
    return () => {
      isCurrent = false;
    };
  }, [circleId, hasUnknownSender]);
  return names;
}
