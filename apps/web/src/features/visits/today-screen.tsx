import { useEffect, useMemo, useState } from "react";
import { Page } from "../../navigation/page";
import { useCirclesStore } from "../circles/circles.store";
import { useT } from "../i18n/use-t";
import { useSessionStore } from "../session/session.store";
import { OccurrenceItem } from "./occurrence-item";
import { useOccurrences } from "./use-visits";
import { addDays, dayOfInstant, localDay } from "./visit-dates";
import "./visits.css";

/**
 * A professional's day across all their circles (`GET /api/me/occurrences`): what is theirs today,
 * then the open slots they could take, then tomorrow's. Built for a phone in a car.
 */
export default function TodayScreen() {
  const { t } = useT();
  const userId = useSessionStore((state) => state.user?.id);
  const [today] = useState(() => localDay(new Date()));
  const tomorrow = addDays(today, 1);
  const { occurrences, state, retry } = useOccurrences({ circleId: undefined, from: today, to: tomorrow });
  const circleIds = useMemo(() => [...new Set(occurrences.map((o) => o.circleId))].sort().join(","), [occurrences]);

  // Names of assignees come from each circle's member list (plans are not read here: on the road,
  // a professional takes, checks in and out; changing a series is for the calendar).
  useEffect(() => {
    const { membersByCircle, loadMembers } = useCirclesStore.getState();
    for (const id of circleIds.split(",").filter(Boolean)) {
      if (!membersByCircle[id]) void loadMembers(id).catch(() => undefined);
    }
  }, [circleIds]);

  const isActive = (status: string) => status !== "cancelled";
  const mineToday = occurrences.filter((o) => o.assigneeId === userId && dayOfInstant(o.start) === today && isActive(o.status));
  const open = occurrences.filter((o) => o.status === "open");
  const mineTomorrow = occurrences.filter((o) => o.assigneeId === userId && dayOfInstant(o.start) === tomorrow && isActive(o.status));
  const sections = [
    { id: "today-mine", title: t("todayMine"), items: mineToday, empty: t("todayMineEmpty"), showDay: false },
    { id: "today-open", title: t("todayOpen"), items: open, empty: t("openSlotsEmpty"), showDay: true },
    { id: "today-tomorrow", title: t("todayTomorrow"), items: mineTomorrow, empty: t("todayTomorrowEmpty"), showDay: false },
  ];

  return (
    <Page title={t("todayTitle")}>
      {state === "failed" && occurrences.length === 0 ? (
        <p className="banner banner-warning">
          {t("errorNetwork")}{" "}
          <button type="button" className="button button-small" onClick={retry}>
            {t("retry")}
          </button>
        </p>
      ) : null}
      {state === "loading" && occurrences.length === 0 ? <p role="status">{t("loading")}</p> : null}
      {sections.map((section) => (
        <section key={section.id} aria-labelledby={section.id} className="today-section">
          <h2 id={section.id}>{section.title}</h2>
          {state === "loaded" && section.items.length === 0 ? <p className="empty-state">{section.empty}</p> : null}
          <ul className="occurrence-list">
            {section.items.map((occurrence) => (
              <li key={occurrence.id}>
                <OccurrenceItem occurrence={occurrence} showCircle showDay={section.showDay} />
              </li>
            ))}
          </ul>
        </section>
      ))}
    </Page>
  );
}
