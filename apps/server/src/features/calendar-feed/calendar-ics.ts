import { getVtimezoneComponent } from "@touch4it/ical-timezones";
import type { Occurrence } from "@kring/protocol";
import ical, { ICalEventStatus } from "ical-generator";
import { DateTime } from "luxon";

/**
 * The iCalendar text of a feed (ical-generator). Each event is in its plan's own time zone with
 * `TZID` and a `VTIMEZONE` from @touch4it/ical-timezones, so a weekly 14:00 visit stays at 14:00 in
 * the subscriber's calendar across DST changes. Times go in as luxon DateTimes in that zone:
 * given plain Dates, ical-generator would write the server process's wall time under the TZID.
 * `ttl` writes `REFRESH-INTERVAL;VALUE=DURATION:PT1H` and `X-PUBLISHED-TTL:PT1H`: subscribed
 * calendars refresh hourly instead of going stale. The UID is the occurrence id (stable across
 * refreshes); only the title goes in: no notes, no check-in notes.
 */
export function renderCalendar(input: { name: string; userId: string; occurrences: Occurrence[]; now: Date }): string {
  const calendar = ical({
    name: input.name,
    prodId: { company: "Kring", product: "Kring", language: "EN" },
    ttl: 3600,
    timezone: { name: null, generator: getVtimezoneComponent },
  });
  for (const occurrence of input.occurrences) {
    const zoned = (iso: string) => DateTime.fromISO(iso, { setZone: true }).setZone(occurrence.timeZone);
    calendar.createEvent({
      id: occurrence.id,
      start: zoned(occurrence.start),
      end: zoned(occurrence.end),
      timezone: occurrence.timeZone,
      summary: occurrence.title,
      stamp: input.now,
      // Someone else's could be taken any time; an open slot is an offer, not a plan of yours.
      status: occurrence.assigneeId === input.userId ? ICalEventStatus.CONFIRMED : ICalEventStatus.TENTATIVE,
    });
  }
  return calendar.toString();
}
