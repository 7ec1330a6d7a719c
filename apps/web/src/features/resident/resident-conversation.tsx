import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useShallow } from "zustand/react/shallow";
import { memberName, useCirclesStore } from "../circles/circles.store";
import type { MessageKey } from "../i18n/dictionaries";
import { formatMessageTime } from "../i18n/format";
import { useT } from "../i18n/use-t";
import { NewMessagesButton } from "../messages/new-messages-button";
import { selectOutboxFor, useMessagesStore } from "../messages/messages.store";
import { useDraft } from "../messages/use-draft";
import { useFollowNewest } from "../messages/use-follow-newest";
import { useFormerMemberNames } from "../messages/former-members";
import { useSessionStore } from "../session/session.store";
import { isSystemLine, SystemLineItem } from "../messages/system-line";
import { RemovedMessage } from "../privacy/removed-message";

/** Only the newest messages: a resident reads, they do not scroll through months. */
const SHOWN_MESSAGES = 12;
const QUICK_REPLIES: MessageKey[] = ["quickThanks", "quickComeBy", "quickFine"];

export function ResidentConversation({ circleId }: { circleId: string }) {
  const { t, locale } = useT();
  const headingId = useId();
  const repliesId = useId();
  const messageId = useId();
  const userId = useSessionStore((state) => state.user?.id);
  const messages = useMessagesStore((state) => state.byCircle[circleId]?.messages);
  const outbox = useMessagesStore(useShallow((state) => selectOutboxFor(state.outbox, circleId)));
  const members = useCirclesStore((state) => state.membersByCircle[circleId]);
  // The tablet only ever knows the circle thread: the server never sends it the care team's.
  const [draft, setDraft] = useDraft(circleId);
  const [sentCount, setSentCount] = useState(0);
  const list = useRef<HTMLOListElement>(null);

  const shown = (messages ?? []).slice(-SHOWN_MESSAGES);
  const newestSeq = shown.at(-1)?.seq;
  const senderIds = shown.filter((m) => !isSystemLine(m)).map((m) => m.senderId).join(",");

  useEffect(() => {
    if (members) useCirclesStore.getState().ensureMembers(circleId, senderIds.split(",").filter(Boolean));
  }, [circleId, senderIds, members]);
  // People who left keep their name on what they wrote (issue #11).
  const formerNames = useFormerMemberNames(circleId, senderIds, members);

  const { hasNewBelow, showNewest, isReadingNewest } = useFollowNewest({
    list,
    scroller: list,
    newestKey: newestSeq === undefined && outbox.length === 0 ? undefined : `${newestSeq ?? 0}:${outbox.at(-1)?.clientId ?? ""}`,
    ownKey: sentCount,
  });

  useEffect(() => {
    if (newestSeq !== undefined && !hasNewBelow && isReadingNewest() && document.visibilityState === "visible") {
      useMessagesStore.getState().markRead(circleId);
    }
  }, [newestSeq, circleId, hasNewBelow, isReadingNewest]);

  const send = (body: string) => {
    const item = useMessagesStore.getState().send(circleId, body);
    if (item) setSentCount((count) => count + 1);
    return item;
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (send(draft)) setDraft("");
  };

  return (
    <section className="resident-conversation" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("familyMessages")}</h2>
      <div className="resident-messages-frame">
      {/* Focusable, so the list scrolls from the keyboard too (axe: scrollable-region-focusable). */}
      <ol className="resident-messages" aria-labelledby={headingId} ref={list} tabIndex={0}>
        {shown.length === 0 && outbox.length === 0 ? <li className="resident-empty">{t("residentNoMessages")}</li> : null}
        {shown.map((message) => {
          if (isSystemLine(message)) return <SystemLineItem key={message.id} message={message} />;
          if (message.deleted) return <RemovedMessage key={message.id} message={message} className="resident-message" />;
          const isMine = message.senderId === userId;
          return (
            <li key={message.id} className={isMine ? "resident-message resident-message-mine" : "resident-message"}>
              <p className="resident-message-meta">
                <strong>{isMine ? t("you") : (memberName(members, message.senderId) ?? formerNames.get(message.senderId ?? "") ?? t("someone"))}</strong>{" "}
                <time dateTime={message.createdAt}>{formatMessageTime(message.createdAt, locale)}</time>
              </p>
              <p className="resident-message-body">{message.body}</p>
            </li>
          );
        })}
        {outbox.map((item) => (
          <li key={item.clientId} className="resident-message resident-message-mine">
            <p className="resident-message-meta">
              <strong>{t("you")}</strong>{" "}
              <span>{item.status === "failed" ? t("statusFailed") : item.status === "sending" ? t("statusSending") : t("statusWaiting")}</span>
            </p>
            <p className="resident-message-body">{item.body}</p>
          </li>
        ))}
      </ol>
      {hasNewBelow ? <NewMessagesButton onClick={showNewest} /> : null}
      </div>
      <h3 id={repliesId} className="resident-subheading">
        {t("quickReplies")}
      </h3>
      <div className="quick-replies" role="group" aria-labelledby={repliesId}>
        {QUICK_REPLIES.map((key) => (
          <button key={key} type="button" className="quick-reply" onClick={() => send(t(key))}>
            {t(key)}
          </button>
        ))}
      </div>
      <form className="resident-compose" onSubmit={submit}>
        <p className="resident-subheading">{t("writeYourOwn")}</p>
        <label htmlFor={messageId}>{t("message")}</label>
        <div className="compose-row">
          <textarea id={messageId} rows={2} value={draft} onChange={(event) => {
              setDraft(event.target.value);
              if (event.target.value !== "") useMessagesStore.getState().notifyTyping(circleId);
            }} maxLength={4000} />
          <button type="submit" className="button button-primary">
            {t("send")}
          </button>
        </div>
      </form>
    </section>
  );
}

// Issue #11: "Who looked at my circle" shares this lazy chunk (resident-home.tsx), so the first load pays nothing for it.
export { WhoLooked } from "../privacy/who-looked";
