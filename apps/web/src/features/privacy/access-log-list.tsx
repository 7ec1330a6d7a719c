import { AccessLogResponse, type AccessLogChange, type AccessLogEntry } from "@kring/protocol";
import { useEffect, useState } from "react";
import { api } from "../../lib/api";
import { useT } from "../i18n/use-t";
import { accessLogWords } from "./access-log-words";

type Loaded = { state: "loading" } | { state: "failed" } | { state: "loaded"; entries: AccessLogEntry[]; changes: AccessLogChange[] };

/** GET /api/circles/:id/access-log, once per mount. */
function useAccessLog(circleId: string): Loaded {
  const [loaded, setLoaded] = useState<Loaded>({ state: "loading" });
  useEffect(() => {
    let isCurrent = true;
    api
      .get(`/api/circles/${circleId}/access-log`, AccessLogResponse)
      .then((log) => isCurrent && setLoaded({ state: "loaded", entries: log.entries, changes: log.changes }))
      .catch(() => isCurrent && setLoaded({ state: "failed" }));
    return () => {
      isCurrent = false;
    };
  }, [circleId]);
  return loaded;
}

const dayOf = (date: Date) => date.toISOString().slice(0, 10);

/** The access log as plain sentences: "Marie read the messages today, 4 times". */
export function AccessLogList({
  circleId,
  userId,
  showDevice = false,
  hideOwnReads = false,
}: {
  circleId: string;
  userId: string;
  showDevice?: boolean;
  /** The resident asks who *else* looked: her own tablet's reads are left out. */
  hideOwnReads?: boolean;
}) {
  const { language, locale } = useT();
  const words = accessLogWords[language];
  const loaded = useAccessLog(circleId);
  if (loaded.state === "loading") return <p className="access-log-status">{words.loading}</p>;
  if (loaded.state === "failed") return <p className="access-log-status" role="alert">{words.failed}</p>;

  const entries = hideOwnReads ? loaded.entries.filter((entry) => entry.userId !== userId) : loaded.entries;
  const now = new Date();
  const today = dayOf(now);
  const yesterday = dayOf(new Date(now.getTime() - 24 * 3600_000));
  const whenOf = (day: string) =>
    day === today ? words.today : day === yesterday ? words.yesterday : words.on(new Date(`${day}T12:00:00Z`).toLocaleDateString(locale, { day: "numeric", month: "long" }));
  const whoOf = (entry: { userId: string | null; name: string }) =>
    entry.userId === null || entry.name === "" ? words.formerMember : entry.userId === userId ? words.you : entry.name;

  return (
    <>
      <h3 className="access-log-heading">{words.readsTitle}</h3>
      {entries.length === 0 ? (
        <p className="access-log-status">{words.empty}</p>
      ) : (
        <ul className="access-log-list">
          {entries.map((entry) => {
            const device = showDevice ? words.device[entry.deviceKind] : "";
            return (
              <li key={`${entry.userId ?? "former"}:${entry.category}:${entry.deviceKind}:${entry.day}`}>
                {words.sentence(whoOf(entry), words.read[entry.category], whenOf(entry.day), words.times(entry.count))}
                {device ? ` (${device})` : ""}
              </li>
            );
          })}
        </ul>
      )}
      {loaded.changes.length > 0 ? (
        <>
          <h3 className="access-log-heading">{words.changesTitle}</h3>
          <ul className="access-log-list">
            {loaded.changes.map((change, index) => (
              <li key={`${change.at}:${index}`}>
                {whoOf(change)} {words.changed[change.action]} {whenOf(change.at.slice(0, 10))}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}
