import { useEffect, useState } from "react";
import { Link } from "../../navigation/link";
import { paths, type CalendarView } from "../../navigation/router";
import { CircleFrame } from "../circles/circle-frame";
import { useCirclesStore } from "../circles/circles.store";
import { useT } from "../i18n/use-t";
import { OccurrenceItem } from "./occurrence-item";
import { groupByDay, useOccurrences } from "./use-visits";
import { addDays, dayToDate, localDay, weekStart } from "./visit-dates";
import { useVisitsStore } from "./visits.store";
import "./visits.css";

/** How far the agenda and the open slots look ahead. */
const AHEAD_DAYS = 27;

/** A circle's calendar: the week, the agenda, and the open slots anyone can take. */
export default function CalendarScreen({ circleId, view }: { circleId: string; view: CalendarView }) {
  const { t } = useT();
  const myRole = useCirclesStore((state) => state.circles.find((c) => c.id === circleId)?.myRole);

  useEffect(() => {
    if (!useCirclesStore.getState().membersByCircle[circleId]) void useCirclesStore.getState().loadMembers(circleId).catch(() => undefined);
    void useVisitsStore.getState().loadPlans(circleId).catch(() => undefined);
  }, [circleId]);

  const views: Array<{ id: CalendarView; label: string }> = [
    { id: "week", label: t("calendarWeek") },
    { id: "agenda", label: t("calendarAgenda") },
    { id: "open", label: t("calendarOpenSlots") },
  ];
  return (
    <CircleFrame circleId={circleId} tab="calendar">
      <div className="calendar-toolbar">
        <nav aria-label={t("calendarViews")} className="calendar-views">
          <ul>
            {views.map((item) => (
              <li key={item.id}>
                <Link to={paths.calendar(circleId, item.id)} className="tab" aria-current={item.id === view ? "page" : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        {/* Planning: family, professionals and coordinators (the role table's visits.plan). */}
        {myRole !== undefined && myRole !== "resident" && myRole !== "volunteer" ? (
          <Link to={paths.newPlan(circleId)} className="button button-primary">
            {t("planNew")}
          </Link>
        ) : null}
      </div>
      {view === "week" ? <WeekView circleId={circleId} /> : view === "agenda" ? <AgendaView circleId={circleId} /> : <OpenSlotsView circleId={circleId} />}
    </CircleFrame>
  );
}

function LoadStatus({ state, isEmpty, emptyText, retry }: { state: string; isEmpty: boolean; emptyText: string; retry(): void }) {
  const { t } = useT();
  if (state === "loading" && isEmpty) return <p role="status">{t("loading")}</p>;
  if (state === "failed" && isEmpty) {
    return (
      <p className="banner banner-warning">
        {t("errorNetwork")}{" "}
        <button type="button" className="button button-small" onClick={retry}>
          {t("retry")}
        </button>
      </p>
    );
  }
  if (state === "loaded" && isEmpty) return <p className="empty-state">{emptyText}</p>;
  return null;
}

function WeekView({ circleId }: { circleId: string }) {
  const { t, locale } = useT();
  const [monday, setMonday] = useState(() => weekStart(localDay(new Date())));
  const sunday = addDays(monday, 6);
  const { occurrences, state, retry } = useOccurrences({ circleId, from: monday, to: sunday });
  const groups = new Map(groupByDay(occurrences).map((group) => [group.day, group.items]));
  const days = Array.from({ length: 7 }, (_, index) => addDays(monday, index));
  const dayName = (day: string) => new Intl.DateTimeFormat(locale, { weekday: "long", day: "numeric", month: "long" }).format(dayToDate(day));
  const today = localDay(new Date());

  return (
    <section aria-labelledby="week-heading">
      <div className="week-nav">
        <button type="button" className="button button-secondary" onClick={() => setMonday(addDays(monday, -7))}>
          {t("calendarPreviousWeek")}
        </button>
        <h2 id="week-heading" className="week-title" aria-live="polite">
          {t("calendarWeekOf", { day: dayName(monday) })}
        </h2>
        <button type="button" className="button button-secondary" onClick={() => setMonday(addDays(monday, 7))}>
          {t("calendarNextWeek")}
        </button>
        {monday !== weekStart(today) ? (
          <button type="button" className="button button-secondary" onClick={() => setMonday(weekStart(today))}>
            {t("calendarThisWeek")}
          </button>
        ) : null}
      </div>
      <LoadStatus state={state} isEmpty={false} emptyText="" retry={retry} />
      <ol className="week-grid">
        {days.map((day) => {
          const items = groups.get(day) ?? [];
          return (
            <li key={day} className={day === today ? "week-day week-day-today" : "week-day"}>
              <h3 className="week-day-title">
                {dayName(day)}
                {day === today ? <span className="today-mark"> · {t("calendarToday")}</span> : null}
              </h3>
              {items.length === 0 ? <p className="week-day-empty">{state === "loaded" ? t("calendarNothing") : ""}</p> : null}
              <ul className="occurrence-list">
                {items.map((occurrence) => (
                  <li key={occurrence.id}>
                    <OccurrenceItem occurrence={occurrence} />
                  </li>
                ))}
              </ul>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function AgendaView({ circleId }: { circleId: string }) {
  const { t, locale } = useT();
  const today = localDay(new Date());
  const { occurrences, state, retry } = useOccurrences({ circleId, from: today, to: addDays(today, AHEAD_DAYS) });
  const groups = groupByDay(occurrences);
  return (
    <section aria-labelledby="agenda-heading">
      <h2 id="agenda-heading">{t("calendarAgendaTitle")}</h2>
      <LoadStatus state={state} isEmpty={occurrences.length === 0} emptyText={t("calendarAgendaEmpty")} retry={retry} />
      {groups.map((group) => (
        <section key={group.day} className="agenda-day" aria-label={new Intl.DateTimeFormat(locale, { dateStyle: "full" }).format(dayToDate(group.day))}>
          <h3 className="agenda-day-title">{new Intl.DateTimeFormat(locale, { weekday: "long", day: "numeric", month: "long" }).format(dayToDate(group.day))}</h3>
          <ul className="occurrence-list">
            {group.items.map((occurrence) => (
              <li key={occurrence.id}>
                <OccurrenceItem occurrence={occurrence} />
              </li>
            ))}
          </ul>
        </section>
      ))}
    </section>
  );
}

function OpenSlotsView({ circleId }: { circleId: string }) {
  const { t } = useT();
  const today = localDay(new Date());
  const { occurrences, state, retry } = useOccurrences({ circleId, from: today, to: addDays(today, AHEAD_DAYS) });
  // An occurrence someone just took stays in view (now "planned, with Marie") until the screen is left,
  // so the list does not jump under the finger of the next person about to press.
  const [seen, setSeen] = useState<Set<string>>(() => new Set());
  const open = occurrences.filter((o) => o.status === "open").map((o) => o.id);
  // Adjusting state while rendering (React's pattern for state derived from props): no extra pass.
  if (open.some((id) => !seen.has(id))) setSeen(new Set([...seen, ...open]));
  const shown = occurrences.filter((o) => o.status === "open" || seen.has(o.id));
  return (
    <section aria-labelledby="open-heading">
      <h2 id="open-heading">{t("openSlotsTitle")}</h2>
      <p className="lead">{t("openSlotsIntro")}</p>
      <LoadStatus state={state} isEmpty={shown.length === 0} emptyText={t("openSlotsEmpty")} retry={retry} />
      <ul className="occurrence-list">
        {shown.map((occurrence) => (
          <li key={occurrence.id}>
            <OccurrenceItem occurrence={occurrence} showDay />
          </li>
        ))}
      </ul>
    </section>
  );
}
