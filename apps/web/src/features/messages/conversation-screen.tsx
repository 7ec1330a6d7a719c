import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { useShallow } from "zustand/react/shallow";
import { AlertCard } from "../alerts/alert-card";
import { isActiveAlert, useAlertsStore } from "../alerts/alerts.store";
import { loadPresence } from "../circles/circle-actions";
import { CircleFrame } from "../circles/circle-frame";
import { memberName, useCirclesStore } from "../circles/circles.store";
import { presenceText } from "../circles/presence-text";
import { formatList, formatMessageTime } from "../i18n/format";
import { useT } from "../i18n/use-t";
import { useSessionStore } from "../session/session.store";
import { selectOutboxFor, useMessagesStore, type OutboxItem } from "./messages.store";

export function ConversationScreen({ circleId }: { circleId: string }) {
  const { t } = useT();
  const alertsById = useAlertsStore((state) => state.alertsById);
  const activeAlerts = useMemo(
    () => Object.values(alertsById).filter((a) => a.circleId === circleId && isActiveAlert(a)),
    [alertsById, circleId],
  );

  useEffect(() => {
    const circles = useCirclesStore.getState();
    circles.setVisibleCircle(circleId);
    circles.setUnread(circleId, 0);
    void circles.loadMembers(circleId).catch(() => undefined);
    void loadPresence(circleId).catch(() => undefined);
    void useMessagesStore.getState().loadLatest(circleId).catch(() => undefined);
    void useAlertsStore.getState().loadCircleAlerts(circleId).catch(() => undefined);
    return () => useCirclesStore.getState().setVisibleCircle(undefined);
  }, [circleId]);

  return (
    <CircleFrame circleId={circleId} tab="conversation">
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
      <PresenceLine circleId={circleId} />
      <MessageList circleId={circleId} />
      <TypingIndicator circleId={circleId} />
      <Composer circleId={circleId} />
    </CircleFrame>
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

function MessageList({ circleId }: { circleId: string }) {
  const { t, locale } = useT();
  const userId = useSessionStore((state) => state.user?.id);
  const circle = useMessagesStore((state) => state.byCircle[circleId]);
  const outbox = useMessagesStore(useShallow((state) => selectOutboxFor(state.outbox, circleId)));
  const members = useCirclesStore((state) => state.membersByCircle[circleId]);
  const end = useRef<HTMLDivElement>(null);
  const listLabelId = useId();
  const newestSeq = circle?.messages.at(-1)?.seq;
  const senderIds = useMemo(() => [...new Set(circle?.messages.map((m) => m.senderId) ?? [])].join(","), [circle?.messages]);

  useEffect(() => {
    if (members) useCirclesStore.getState().ensureMembers(circleId, senderIds.split(",").filter(Boolean));
  }, [circleId, senderIds, members]);

  useEffect(() => {
    end.current?.scrollIntoView?.({ block: "nearest" });
    if (newestSeq !== undefined && document.visibilityState === "visible") {
      useMessagesStore.getState().markRead(circleId);
      useCirclesStore.getState().setUnread(circleId, 0);
    }
  }, [newestSeq, outbox.length, circleId]);

  if (!circle || (circle.loadState === "loading" && circle.messages.length === 0)) return <p role="status">{t("loading")}</p>;
  if (circle.loadState === "failed" && circle.messages.length === 0) {
    return (
      <p className="banner banner-warning">
        {t("errorNetwork")}{" "}
        <button type="button" className="button button-small" onClick={() => void useMessagesStore.getState().loadLatest(circleId).catch(() => undefined)}>
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
          onClick={() => void useMessagesStore.getState().loadOlder(circleId).catch(() => undefined)}
        >
          {t("loadOlder")}
        </button>
      ) : null}
      {circle.messages.length === 0 && outbox.length === 0 ? <p className="empty-state">{t("noMessages")}</p> : null}
      <div role="log" aria-labelledby={listLabelId}>
      <ol className="message-list">
        {circle.messages.map((message) => {
          const isMine = message.senderId === userId;
          return (
            <li key={message.id} className={isMine ? "message message-mine" : "message"}>
              <p className="message-meta">
                <strong>{isMine ? t("you") : (memberName(members, message.senderId) ?? t("someone"))}</strong>{" "}
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
      <div ref={end} />
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

function TypingIndicator({ circleId }: { circleId: string }) {
  const { tPlural, locale } = useT();
  const names = useMessagesStore(useShallow((state) => (state.typingByCircle[circleId] ?? []).map((entry) => entry.name)));
  return (
    <p className="typing" aria-live="polite">
      {names.length > 0 ? tPlural("typing", names.length, { names: formatList(names, locale) }) : ""}
    </p>
  );
}

function Composer({ circleId }: { circleId: string }) {
  const { t } = useT();
  const id = useId();
  const [draft, setDraft] = useState("");
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (useMessagesStore.getState().send(circleId, draft)) setDraft("");
  };
  // Enter sends, Shift+Enter starts a new line (the usual chat convention, said in the hint-less UI
  // by the Send button being right there for those who don't know it).
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
  };
  return (
    <form className="composer" onSubmit={submit}>
      <label htmlFor={id}>{t("message")}</label>
      <div className="compose-row">
        <textarea
          id={id}
          rows={2}
          maxLength={4000}
          value={draft}
          onKeyDown={onKeyDown}
          onChange={(event) => {
            setDraft(event.target.value);
            if (event.target.value !== "") useMessagesStore.getState().notifyTyping(circleId);
          }}
        />
        <button type="submit" className="button button-primary">
          {t("send")}
        </button>
      </div>
    </form>
  );
}
