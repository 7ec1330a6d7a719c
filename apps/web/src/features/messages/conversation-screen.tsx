import type { Message, MessageThread } from "@kring/protocol";
import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type KeyboardEvent, type RefObject } from "react";
import { useShallow } from "zustand/react/shallow";
import { AlertCard } from "../alerts/alert-card";
import { isActiveAlert, useAlertsStore } from "../alerts/alerts.store";
import { loadPresence } from "../circles/circle-actions";
import { CheckinToday } from "../circles/checkin-today";
import { CircleFrame } from "../circles/circle-frame";
import { Link } from "../../navigation/link";
import { paths } from "../../navigation/router";
import { memberName, unreadOf, useCirclesStore } from "../circles/circles.store";
import { useFormerMemberNames } from "./former-members";
import { presenceText } from "../circles/presence-text";
import { formatList, formatMessageTime } from "../i18n/format";
import { useT } from "../i18n/use-t";
import { useSessionStore } from "../session/session.store";
import { conversationKey, selectOutboxFor, useMessagesStore, type OutboxItem } from "./messages.store";
import { NewMessagesButton } from "./new-messages-button";
import { useDraft } from "./use-draft";
import { useFollowNewest } from "./use-follow-newest";
import { isSystemLine, SystemLineItem } from "./system-line";
import { RemovedMessage } from "../privacy/removed-message";

type ThreadProps = { circleId: string; thread: MessageThread };

export function ConversationScreen({ circleId, thread = "circle" }: { circleId: string; thread?: MessageThread }) {
  const { t } = useT();
  const alertsById = useAlertsStore((state) => state.alertsById);
  const activeAlerts = useMemo(
    () => Object.values(alertsById).filter((a) => a.circleId === circleId && isActiveAlert(a)),
    [alertsById, circleId],
  );

  useEffect(() => {
    const circles = useCirclesStore.getState();
    circles.setVisibleCircle(circleId, thread);
    circles.setUnread(circleId, 0, thread);
    void circles.loadMembers(circleId).catch(() => undefined);
    void loadPresence(circleId).catch(() => undefined);
    void useMessagesStore.getState().loadLatest(circleId, thread).catch(() => undefined);
    void useAlertsStore.getState().loadCircleAlerts(circleId).catch(() => undefined);
    return () => useCirclesStore.getState().setVisibleCircle(undefined);
  }, [circleId, thread]);
  const composer = useRef<HTMLFormElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const [sentCount, setSentCount] = useState(0);
  const newestKey = useMessagesStore((state) => newestItemKey(state.byCircle[conversationKey(circleId, thread)]?.messages, state.outbox, circleId, thread));
  const follow = useFollowNewest({ list, cover: composer, newestKey, ownKey: sentCount });

  return (
    <CircleFrame circleId={circleId} tab="conversation">
      <CheckinToday circleId={circleId} />
      {activeAlerts.length > 0 ? (
        <section className="active-alerts" aria-label={t("openAlertsLabel")}>
          <ul className="card-list">
            {activeAlerts.map((alert) => (
              <li key={alert.id}>
                <AlertCard alert={alert} showCircle={false} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <ThreadTabs circleId={circleId} thread={thread} />
      <PresenceLine circleId={circleId} />
      <MessageList
        circleId={circleId}
        thread={thread}
        list={list}
        hasNewBelow={follow.hasNewBelow}
        isReadingNewest={follow.isReadingNewest}
      />
      <TypingIndicator circleId={circleId} thread={thread} />
      <Composer
        circleId={circleId}
        thread={thread}
        formRef={composer}
        onSent={() => setSentCount((count) => count + 1)}
        newBelow={follow.hasNewBelow ? follow.showNewest : undefined}
      />
    </CircleFrame>
  );
}

/**
 * The circle's two conversations, for members who may read the care team's (the server sends
 * `unreadTeam` only to them): everyone with the resident, and the care team without them.
 */
function ThreadTabs({ circleId, thread }: ThreadProps) {
  const { t, tPlural } = useT();
  const circle = useCirclesStore((state) => state.circles.find((c) => c.id === circleId));
  const members = useCirclesStore((state) => state.membersByCircle[circleId]);
  if (circle?.unreadTeam === undefined) return null;
  const resident = members?.find((m) => m.role === "resident")?.name;
  const threads: Array<{ id: MessageThread; to: string; label: string }> = [
    { id: "circle", to: paths.conversation(circleId), label: resident ? t("threadEveryoneWith", { name: resident }) : t("threadEveryone") },
    { id: "team", to: paths.teamConversation(circleId), label: t("threadTeam") },
  ];
  return (
    <>
      <nav aria-label={t("threadNavigation")} className="tabs thread-tabs">
        <ul>
          {threads.map((item) => {
            const unread = item.id === thread ? 0 : unreadOf(circle, item.id);
            return (
              <li key={item.id}>
                <Link to={item.to} className="tab" aria-current={item.id === thread ? "page" : undefined}>
                  {item.label}
                  {unread > 0 ? <span className="badge">{tPlural("unread", unread)}</span> : null}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      {thread === "team" ? (
        <p className="thread-hint">{resident ? t("threadTeamHint", { name: resident }) : t("threadTeamHintNoName")}</p>
      ) : null}
    </>
  );
}

function PresenceLine({ circleId }: { circleId: string }) {
  const translator = useT();
  const userId = useSessionStore((state) => state.user?.id);
  const members = useCirclesStore((state) => state.membersByCircle[circleId]);
  const presence = useCirclesStore((state) => state.presenceByCircle[circleId]);
  const others = (members ?? []).filter((m) => m.userId !== userId);
  if (others.length === 0) return null;
  return (
    <ul className="presence-line">
      {others.map((member) => {
        const entry = presence?.[member.userId];
        return (
          <li key={member.userId}>
            <span className={entry?.isOnline ? "presence-dot presence-dot-online" : "presence-dot"} aria-hidden="true" />
            {member.name}: {presenceText(entry, translator)}
          </li>
        );
      })}
    </ul>
  );
}

/** Changes whenever an item is added at the end of the list (a stored message or a pending one). */
function newestItemKey(messages: Message[] | undefined, outbox: OutboxItem[], circleId: string, thread: MessageThread) {
  const newestSeq = messages?.at(-1)?.seq;
  const pending = selectOutboxFor(outbox, circleId, thread).at(-1)?.clientId;
  return newestSeq === undefined && pending === undefined ? undefined : `${newestSeq ?? 0}:${pending ?? ""}`;
}

function MessageList({
  circleId,
  thread,
  list,
  hasNewBelow,
  isReadingNewest,
}: ThreadProps & { list: RefObject<HTMLOListElement | null>; hasNewBelow: boolean; isReadingNewest: () => boolean }) {
  const { t, locale } = useT();
  const userId = useSessionStore((state) => state.user?.id);
  const circle = useMessagesStore((state) => state.byCircle[conversationKey(circleId, thread)]);
  const outbox = useMessagesStore(useShallow((state) => selectOutboxFor(state.outbox, circleId, thread)));
  const members = useCirclesStore((state) => state.membersByCircle[circleId]);
  const listLabelId = useId();
  const newestSeq = circle?.messages.at(-1)?.seq;
  const senderIds = useMemo(
    () => [...new Set(circle?.messages.filter((m) => !isSystemLine(m)).map((m) => m.senderId) ?? [])].join(","),
    [circle?.messages],
  );

  useEffect(() => {
    if (members) useCirclesStore.getState().ensureMembers(circleId, senderIds.split(",").filter(Boolean));
  }, [circleId, senderIds, members]);
  const formerNames = useFormerMemberNames(circleId, senderIds, members);

  // Read means seen: not while the newest messages wait behind the "New messages" button (the
  // follow hook decided that in its layout effect, before this runs).
  useEffect(() => {
    if (newestSeq !== undefined && !hasNewBelow && isReadingNewest() && document.visibilityState === "visible") {
      useMessagesStore.getState().markRead(circleId, thread);
      useCirclesStore.getState().setUnread(circleId, 0, thread);
    }
  }, [newestSeq, circleId, thread, hasNewBelow, isReadingNewest]);

  if (!circle || (circle.loadState === "loading" && circle.messages.length === 0)) return <p role="status">{t("loading")}</p>;
  if (circle.loadState === "failed" && circle.messages.length === 0) {
    return (
      <p className="banner banner-warning">
        {t("errorNetwork")}{" "}
        <button
          type="button"
          className="button button-small"
          onClick={() => void useMessagesStore.getState().loadLatest(circleId, thread).catch(() => undefined)}
        >
          {t("retry")}
        </button>
      </p>
    );
  }

  return (
    <section className="conversation" aria-labelledby={listLabelId}>
      <h2 id={listLabelId} className="visually-hidden">
        {t("messagesLabel")}
      </h2>
      {circle.hasOlder ? (
        <button
          type="button"
          className="button button-secondary load-older"
          disabled={circle.isLoadingOlder}
          onClick={() => void useMessagesStore.getState().loadOlder(circleId, thread).catch(() => undefined)}
        >
          {t("loadOlder")}
        </button>
      ) : null}
      {circle.messages.length === 0 && outbox.length === 0 ? <p className="empty-state">{t("noMessages")}</p> : null}
      <div role="log" aria-labelledby={listLabelId}>
      <ol className="message-list" ref={list}>
        {circle.messages.map((message) => {
          if (isSystemLine(message)) return <SystemLineItem key={message.id} message={message} />;
          if (message.deleted) return <RemovedMessage key={message.id} message={message} className="message" />;
          const isMine = message.senderId === userId;
          return (
            <li key={message.id} className={isMine ? "message message-mine" : "message"}>
              <p className="message-meta">
                <strong>{isMine ? t("you") : (memberName(members, message.senderId) ?? formerNames.get(message.senderId ?? "") ?? t("someone"))}</strong>{" "}
                <time dateTime={message.createdAt}>{formatMessageTime(message.createdAt, locale)}</time>
                {isMine ? <span className="message-status"> · {t("statusSent")}</span> : null}
              </p>
              <p className="message-body">{message.body}</p>
            </li>
          );
        })}
        {outbox.map((item) => (
          <OutboxMessage key={item.clientId} item={item} />
        ))}
      </ol>
      </div>
    </section>
  );
}

function OutboxMessage({ item }: { item: OutboxItem }) {
  const { t } = useT();
  const statusText = item.status === "failed" ? t("statusFailed") : item.status === "sending" ? t("statusSending") : t("statusWaiting");
  return (
    <li className={`message message-mine message-pending message-${item.status}`}>
      <p className="message-meta">
        <strong>{t("you")}</strong> <span className="message-status">· {statusText}</span>
      </p>
      <p className="message-body">{item.body}</p>
      {item.status === "failed" ? (
        <div className="message-actions">
          <button type="button" className="button button-small" onClick={() => useMessagesStore.getState().retry(item.clientId)}>
            {t("sendAgain")}
          </button>
          <button type="button" className="button button-small button-secondary" onClick={() => useMessagesStore.getState().discard(item.clientId)}>
            {t("deleteMessage")}
          </button>
        </div>
      ) : null}
    </li>
  );
}

function TypingIndicator({ circleId, thread }: ThreadProps) {
  const { tPlural, locale } = useT();
  const names = useMessagesStore(
    useShallow((state) => (state.typingByCircle[conversationKey(circleId, thread)] ?? []).map((entry) => entry.name)),
  );
  return (
    <p className="typing" aria-live="polite">
      {names.length > 0 ? tPlural("typing", names.length, { names: formatList(names, locale) }) : ""}
    </p>
  );
}

function Composer({
  circleId,
  thread,
  formRef,
  onSent,
  newBelow,
}: ThreadProps & { formRef: RefObject<HTMLFormElement | null>; onSent: () => void; newBelow: (() => void) | undefined }) {
  const { t } = useT();
  const id = useId();
  const [draft, setDraft] = useDraft(circleId, thread);
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (useMessagesStore.getState().send(circleId, draft, thread)) {
      setDraft("");
      onSent();
    }
  };
  // Enter sends, Shift+Enter starts a new line (the usual chat convention, said in the hint-less UI
  // by the Send button being right there for those who don't know it).
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
  };
  return (
    <form className="composer" onSubmit={submit} ref={formRef}>
      {newBelow ? <NewMessagesButton onClick={newBelow} /> : null}
      <label htmlFor={id}>{thread === "team" ? t("messageToTeam") : t("message")}</label>
      <div className="compose-row">
        <textarea
          id={id}
          rows={2}
          maxLength={4000}
          value={draft}
          onKeyDown={onKeyDown}
          onChange={(event) => {
            setDraft(event.target.value);
            if (event.target.value !== "") useMessagesStore.getState().notifyTyping(circleId, thread);
          }}
        />
        <button type="submit" className="button button-primary">
          {t("send")}
        </button>
      </div>
    </form>
  );
}

