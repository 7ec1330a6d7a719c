import { useCallback, useEffect, useState } from "react";
import { api } from "../../lib/api";
import { memberName, useCirclesStore } from "../circles/circles.store";
import { onReconnect } from "../connection/connection.store";
import { formatClock } from "../i18n/format";
import { useT } from "../i18n/use-t";
import { addDays, dayOfInstant, localDay } from "../visits/visit-dates";
import { onVisitEvent } from "../visits/visits-live";
import type { Occurrence } from "../visits/visits.types";
import { initialsOf, useMemberPhoto } from "./member-photo";
import { useClock } from "./use-clock";
import "./visit-card.css";

// "Who is coming" on the tablet (issue #10 item 5). Loaded lazily after the Help buttons, and
// without zod: the resident's first load has no room for the visits schemas.

const DAYS_AHEAD = 7;

/** Keeps only well-formed occurrences: a light check instead of the zod schema (see above). */
const occurrenceList = {
  parse(data: unknown): Occurrence[] {
    const list = (data as { occurrences?: unknown } | null)?.occurrences;
    if (!Array.isArray(list)) throw new Error("no occurrences");
    return list.filter(
      (item): item is Occurrence =>
        typeof item === "object" && item !== null && typeof item.id === "string" && typeof item.start === "string" && typeof item.end === "string",
    );
  },
};

/** Who comes (an assigned visit that is under way or still ahead), in order of start. */
export function upcomingVisits(occurrences: Occurrence[], now: Date): Occurrence[] {
  return occurrences
    .filter(
      (o) =>
        o.kind === "visit" &&
        o.assigneeId !== null &&
        (o.status === "in_progress" || (o.status === "planned" && Date.parse(o.end) > now.getTime())),
    )
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
}

export default function VisitCard({ circleId }: { circleId: string }) {
  const { t, locale } = useT();
  const now = useClock();
  const today = localDay(now);
  const members = useCirclesStore((state) => state.membersByCircle[circleId]);
  const [occurrences, setOccurrences] = useState<Occurrence[]>();

  const load = useCallback(() => {
    void api
      .get(`/api/circles/${circleId}/occurrences?from=${today}&to=${addDays(today, DAYS_AHEAD)}`, occurrenceList)
      .then(setOccurrences)
      .catch(() => undefined);
  }, [circleId, today]);

  useEffect(() => {
    load();
    const stopReconnect = onReconnect(load);
    const stopEvents = onVisitEvent((event) => {
      if ((event.type === "occurrence" ? event.occurrence.circleId : event.plan.circleId) !== circleId) return;
      if (event.type === "occurrence") {
        const changed = event.occurrence;
        setOccurrences((list) => [...(list ?? []).filter((o) => o.id !== changed.id), changed]);
      } else {
        load(); // a new or edited series: its occurrences are read again
      }
    });
    return () => {
      stopReconnect();
      stopEvents();
    };
  }, [circleId, load]);

  if (occurrences === undefined) return null;
  const visits = upcomingVisits(occurrences, now);
  const [next, ...rest] = visits;
  const laterToday = rest.filter((o) => dayOfInstant(o.start) === today);

  const nameOf = (o: Occurrence) => memberName(members, o.assigneeId) ?? t("someone");
  const when = (o: Occurrence) => {
    if (o.status === "in_progress") return t("visitHereNow");
    const start = new Date(o.start);
    const time = formatClock(start, locale);
    const day = dayOfInstant(o.start);
    if (day === today) return t("visitToday", { time });
    if (day === addDays(today, 1)) return t("visitTomorrow", { time });
    // "Thursday 3 December": the date too, so next week's Saturday is never read as today's.
    return t("visitOnDay", { day: new Intl.DateTimeFormat(locale, { weekday: "long", day: "numeric", month: "long" }).format(start), time });
  };

  return (
    <section className="visit-card" aria-labelledby="visit-card-heading">
      <h2 id="visit-card-heading" className="resident-subheading">
        {t("visitsHeading")}
      </h2>
      {next === undefined ? (
        <p className="visit-none">{t("visitsNone")}</p>
      ) : (
        <div className="visit-next">
          <Face userId={next.assigneeId} name={nameOf(next)} />
          <p className="visit-next-text">
            <strong className="visit-next-name">{nameOf(next)}</strong> — {when(next)}
            <span className="visit-title">{next.title}</span>
          </p>
        </div>
      )}
      {laterToday.length > 0 ? (
        <>
          <h3 className="visit-later-heading">{t("visitsAlsoToday")}</h3>
          <ul className="visit-later">
            {laterToday.map((o) => (
              <li key={o.id}>
                <Face userId={o.assigneeId} name={nameOf(o)} small />
                <span>
                  <strong>{nameOf(o)}</strong> — {formatClock(new Date(o.start), locale)}
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

/** The member's photo, so the resident knows who is at the door; their initials without one. */
function Face({ userId, name, small }: { userId: string | null; name: string; small?: boolean }) {
  const hasPhoto = useCirclesStore((state) => Object.values(state.membersByCircle).some((members) => members.some((m) => m.userId === userId && m.hasPhoto === true)));
  const photo = useMemberPhoto(hasPhoto ? userId : null);
  const className = small ? "visit-face visit-face-small" : "visit-face";
  // The name is written beside it: the picture adds nothing for a screen reader.
  if (photo !== null) return <img className={className} src={photo} alt="" />;
  return (
    <span className={className} aria-hidden="true">
      {initialsOf(name)}
    </span>
  );
}
