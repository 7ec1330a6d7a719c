// Wall-clock arithmetic in IANA time zones with Intl only (no date library): check-in deadlines
// and quiet hours are set in the resident's or member's local time, across DST changes.

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The local calendar date ("YYYY-MM-DD") and minute of the day at `instant` in `timeZone`. */
export function toLocal(instant: Date, timeZone: string): { date: string; minuteOfDay: number; offsetMs: number } {
  const parts = Object.fromEntries(formatterFor(timeZone).formatToParts(instant).map((p) => [p.type, p.value]));
  const [year, month, day, hour, minute, second] = ["year", "month", "day", "hour", "minute", "second"].map((k) =>
    Number(parts[k]),
  ) as [number, number, number, number, number, number];
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const offsetMs = asUtc - Math.floor(instant.getTime() / 1000) * 1000;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, minuteOfDay: hour * 60 + minute, offsetMs };
}

export function parseLocalTime(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  return h * 60 + m;
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/**
 * The instant when it is `hhmm` on `date` in `timeZone`. A time skipped by a DST jump resolves
 * to the instant just after the jump; a repeated time to its first occurrence.
 */
export function zonedTimeToInstant(date: string, hhmm: string, timeZone: string): Date {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const minutes = parseLocalTime(hhmm);
  const wallAsUtc = Date.UTC(y, m - 1, d, Math.floor(minutes / 60), minutes % 60);
  // Two passes settle the offset, also on the day the offset changes.
  let guess = wallAsUtc - toLocal(new Date(wallAsUtc), timeZone).offsetMs;
  guess = wallAsUtc - toLocal(new Date(guess), timeZone).offsetMs;
  return new Date(guess);
}

/** The next deadline strictly after `now`, and the local date it belongs to. */
export function nextDeadline(now: Date, hhmm: string, timeZone: string): { at: Date; date: string } {
  const today = toLocal(now, timeZone).date;
  for (const date of [addDays(today, -1), today, addDays(today, 1), addDays(today, 2)]) {
    const at = zonedTimeToInstant(date, hhmm, timeZone);
    if (at.getTime() > now.getTime()) return { at, date };
  }
  throw new Error("no deadline found within two days");
}

/** The most recent deadline at or before `now` and its local date (the day a check-in was due). */
export function latestDeadline(now: Date, hhmm: string, timeZone: string): { at: Date; date: string } {
  const today = toLocal(now, timeZone).date;
  for (const date of [addDays(today, 1), today, addDays(today, -1), addDays(today, -2)]) {
    const at = zonedTimeToInstant(date, hhmm, timeZone);
    if (at.getTime() <= now.getTime()) return { at, date };
  }
  throw new Error("no deadline found within two days");
}

/**
 * When the quiet hours that contain `now` end, or null when `now` is not in quiet hours.
 * `start` after `end` means overnight (22:00–07:00); `start` equal to `end` means none.
 */
export function quietHoursEnd(now: Date, quiet: { start: string; end: string; timeZone: string }): Date | null {
  const start = parseLocalTime(quiet.start);
  const end = parseLocalTime(quiet.end);
  if (start === end) return null;
  const local = toLocal(now, quiet.timeZone);
  const m = local.minuteOfDay;
  if (start < end) {
    return m >= start && m < end ? zonedTimeToInstant(local.date, quiet.end, quiet.timeZone) : null;
  }
  if (m >= start) return zonedTimeToInstant(addDays(local.date, 1), quiet.end, quiet.timeZone);
  if (m < end) return zonedTimeToInstant(local.date, quiet.end, quiet.timeZone);
  return null;
}

/** The calendar dates from `from` to `to` ("YYYY-MM-DD"), both included. */
export function datesBetween(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) dates.push(date);
  return dates;
}
