import type { MessageThread } from "@kring/protocol";
import { useCallback, useState } from "react";
import { readStored, removeStored, writeStored } from "../../lib/storage";
import { useSessionStore } from "../session/session.store";
import { conversationKey } from "./messages.store";

const parseDraft = (value: unknown) => (typeof value === "string" ? value : undefined);

/**
 * What is typed in a conversation's message box, kept in localStorage per user, circle and thread,
 * so a reload (or a tablet's browser restarting) does not lose a half-written message.
 */
export function useDraft(circleId: string, thread: MessageThread = "circle"): [string, (value: string) => void] {
  const userId = useSessionStore((state) => state.user?.id);
  const key = userId === undefined ? undefined : `kring.draft.${userId}.${conversationKey(circleId, thread)}`;
  const [draft, setState] = useState(() => (key === undefined ? "" : (readStored(key, parseDraft) ?? "")));
  const setDraft = useCallback(
    (value: string) => {
      setState(value);
      if (key === undefined) return;
      if (value === "") removeStored(key);
      else writeStored(key, value);
    },
    [key],
  );
  return [draft, setDraft];
}
