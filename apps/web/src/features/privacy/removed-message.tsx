import type { Message } from "@kring/protocol";
import { formatMessageTime } from "../i18n/format";
import { useT } from "../i18n/use-t";

// A tombstone (issue #11: removed by retention or by its sender's erasure) keeps its place in the
// conversation, without a sender or a body. Its words live here, in the conversation's chunks.
const REMOVED = { en: "Message removed", nl: "Bericht verwijderd", fr: "Message supprimé" } as const;

export function RemovedMessage({ message, className }: { message: Message; className: string }) {
  const { language, locale } = useT();
  return (
    <li className={className}>
      <p className={`${className}-meta`}>
        <time dateTime={message.createdAt}>{formatMessageTime(message.createdAt, locale)}</time>
      </p>
      <p className={`${className}-body`}>
        <em>{REMOVED[language]}</em>
      </p>
    </li>
  );
}
