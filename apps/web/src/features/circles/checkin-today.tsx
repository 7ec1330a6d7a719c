import { useEffect } from "react";
import { onReconnect } from "../connection/connection.store";
import { formatClock } from "../i18n/format";
import { useT } from "../i18n/use-t";
import { useCheckinTodayStore } from "./checkin-today.store";
import { memberName, useCirclesStore } from "./circles.store";

/**
 * Whether the resident said "I'm OK" today, for family and staff above the conversation: one line,
 * read from the server (the circle's own date of today), refreshed on each visit and reconnect.
 */
export function CheckinToday({ circleId }: { circleId: string }) {
  const { t, locale } = useT();
  const today = useCheckinTodayStore((state) => state.byCircle[circleId]);
  const members = useCirclesStore((state) => state.membersByCircle[circleId]);
  const resident = members?.find((m) => m.role === "resident");

  useEffect(() => {
    const load = () => void useCheckinTodayStore.getState().load(circleId).catch(() => undefined);
    load();
    if (!useCirclesStore.getState().membersByCircle[circleId]) {
      void useCirclesStore.getState().loadMembers(circleId).catch(() => undefined);
    }
    return onReconnect(load);
  }, [circleId]);

  // A circle without a resident has nobody to check in.
  if (!today || !resident) return null;
  if (today.at) {
    const name = memberName(members, today.by ?? null) ?? t("someone");
    return <p className="checkin-today checkin-today-done">{t("checkinTodayDone", { name, time: formatClock(new Date(today.at), locale) })}</p>;
  }
  return <p className="checkin-today">{t("checkinTodayNone", { name: resident.name })}</p>;
}
