import type { RecurrenceRule, Weekday } from "@kring/protocol";
import { parseRecurrenceRule } from "@kring/protocol";
import { toLocal } from "../local-time";

// Recurring plans expanded in their IANA time zone with Intl only (no Temporal): the subset Kring
// accepts (FREQ=DAILY|WEEKLY|MONTHLY, INTERVAL, BYDAY, COUNT, UNTIL) is calendar arithmetic on local
// dates plus one wall-time → instant resolution per occurrence. Why not rrule-temporal: see
// ARCHITECTURE.md "Visits".

const DAY_MS = 86_400_000;
const WEEKDAYS: Weekday[] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/** Days since 1970-01-01 of a local date "YYYY-MM-DD" (calendar arithmetic in UTC, no zone involved). */
function dayNumber(date: string): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / DAY_MS;
}
function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
/** 0 = Monday … 6 = Sunday. */
function weekdayIndex(day: number): number {
  return (new Date(day * DAY_MS).getUTCDay() + 6) % 7;
}
function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

/** The UTC instant of a wall time, resolved as the issue asks; `dstShifted` when it fell in a gap. */
export function resolveWallTime(localDateTime: string, timeZone: string): { instant: Date; dstShifted: boolean } {
  const [date, time] = localDateTime.split("T") as [string, string];
  const [y, mo, d] = date.split("-").map(Number) as [number, number, number];
  const [h, mi] = time.split(":").map(Number) as [number, number];
  const wallAsUtc = Date.UTC(y, mo - 1, d, h, mi);
  // The offsets a day before and after: a zone changes its offset at most once in between.
  const before = toLocal(new Date(wallAsUtc - DAY_MS), timeZone).offsetMs;
  const after = toLocal(new Date(wallAsUtc + DAY_MS), timeZone).offsetMs;
  const candidates = [...new Set([before, after])]
    .map((offset) => wallAsUtc - offset)
    .filter((instant) => localWallOf(new Date(instant), timeZone) === localDateTime)
    .sort((a, b) => a - b);
  // In the repeated autumn hour both offsets fit: the earlier instant is the one people mean.
  if (candidates[0] !== undefined) return { instant: new Date(candidates[0]), dstShifted: false };
  // In the spring-forward gap none fits: read it with the offset before the jump, which lands the
  // same distance after the jump (02:30 → 03:30 for a one-hour gap).
  return { instant: new Date(wallAsUtc - before), dstShifted: true };
}

/** "YYYY-MM-DDTHH:MM" at `instant` in `timeZone`. */
export function localWallOf(instant: Date, timeZone: string): string {
  const { offsetMs } = toLocal(instant, timeZone);
  return new Date(Math.floor(instant.getTime() / 60_000) * 60_000 + offsetMs).toISOString().slice(0, 16);
}

/** ISO-8601 with the zone's offset at that instant: "2027-03-30T14:00:00+02:00". */
export function formatWithOffset(instant: Date, timeZone: string): string {
  const { offsetMs } = toLocal(instant, timeZone);
  const local = new Date(instant.getTime() + offsetMs).toISOString().slice(0, 19);
  const sign = offsetMs < 0 ? "-" : "+";
  const minutes = Math.abs(offsetMs) / 60_000;
  const hh = String(Math.floor(minutes / 60)).padStart(2, "0");
  const mm = String(Math.round(minutes % 60)).padStart(2, "0");
  return `${local}${sign}${hh}:${mm}`;
}

export type NominalOccurrence = {
  /** The rule's local wall time ("YYYY-MM-DDTHH:MM"): part of the occurrence's id. */
  nominal: string;
  /** The local date of `nominal`. */
  date: string;
  start: Date;
  dstShifted: boolean;
};

export type ExpandInput = { start: string; timeZone: string; recurrence: string | null };

/** Parses a stored rule; stored rules were validated at the boundary, so a failure is a bug. */
export function ruleOf(recurrence: string | null): RecurrenceRule | null {
  if (recurrence === null) return null;
  const parsed = parseRecurrenceRule(recurrence);
  if (!parsed.ok) throw new Error(`stored recurrence is invalid: ${parsed.error}`);
  return parsed.rule;
}

/**
 * The candidate local dates of period `period` (period 0 holds the start), in order. Dates before
 * the start are dropped by the caller.
 */
function datesOfPeriod(rule: RecurrenceRule, startDay: number, period: number): number[] {
  const step = rule.interval * period;
  const wanted = rule.byDay?.filter((entry) => entry.ordinal === null).map((entry) => WEEKDAYS.indexOf(entry.weekday));
  if (rule.freq === "DAILY") {
    const day = startDay + step;
    return wanted === undefined || wanted.includes(weekdayIndex(day)) ? [day] : [];
  }
  if (rule.freq === "WEEKLY") {
    const weekStart = startDay - weekdayIndex(startDay) + 7 * step;
    const days = wanted === undefined || wanted.length === 0 ? [weekdayIndex(startDay)] : [...new Set(wanted)].sort((a, b) => a - b);
    return days.map((index) => weekStart + index);
  }
  // MONTHLY
  const start = new Date(startDay * DAY_MS);
  const monthIndex = start.getUTCFullYear() * 12 + start.getUTCMonth() + step;
  const year = Math.floor(monthIndex / 12);
  const month0 = monthIndex % 12;
  const length = daysInMonth(year, month0);
  const first = Date.UTC(year, month0, 1) / DAY_MS;
  if (rule.byDay === null || rule.byDay.length === 0) {
    // RFC 5545: a month without that day (the 31st in April) has no occurrence.
    const dayOfMonth = start.getUTCDate();
    return dayOfMonth <= length ? [first + dayOfMonth - 1] : [];
  }
  const days = new Set<number>();
  for (const entry of rule.byDay) {
    const target = WEEKDAYS.indexOf(entry.weekday);
    const matching: number[] = [];
    for (let day = first; day < first + length; day += 1) if (weekdayIndex(day) === target) matching.push(day);
    if (entry.ordinal === null) for (const day of matching) days.add(day);
    else {
      const day = entry.ordinal > 0 ? matching[entry.ordinal - 1] : matching[matching.length + entry.ordinal];
      if (day !== undefined) days.add(day);
    }
  }
  return [...days].sort((a, b) => a - b);
}

/** Periods (days, weeks or months) from the start's period to the one holding `day`. */
function periodsBetween(rule: RecurrenceRule, startDay: number, day: number): number {
  if (rule.freq === "DAILY") return day - startDay;
  if (rule.freq === "WEEKLY") return Math.floor((day - weekdayIndex(day) - (startDay - weekdayIndex(startDay))) / 7);
  const a = new Date(startDay * DAY_MS);
  const b = new Date(day * DAY_MS);
  return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth();
}

/** A series never yields more than this many dates per expansion (guards a pathological rule). */
const MAX_PERIODS = 200_000;

/**
 * The occurrences of a plan whose nominal local date lies in [fromDate, toDate] (both included),
 * ascending. Each keeps the plan's wall time in its zone (a weekly 14:00 stays 14:00 across DST); a
 * wall time in a spring-forward gap moves forward by the gap with `dstShifted`; a repeated autumn
 * time takes the earlier instant. COUNT counts from the plan's start, also before the window.
 */
export function expandOccurrences(input: ExpandInput, fromDate: string, toDate: string): NominalOccurrence[] {
  const [startDate, startTime] = input.start.split("T") as [string, string];
  const rule = ruleOf(input.recurrence);
  const make = (day: number): NominalOccurrence => {
    const date = dateOf(day);
    const nominal = `${date}T${startTime}`;
    const { instant, dstShifted } = resolveWallTime(nominal, input.timeZone);
    return { nominal, date, start: instant, dstShifted };
  };
  const startDay = dayNumber(startDate);
  const fromDay = dayNumber(fromDate);
  const toDay = dayNumber(toDate);
  if (rule === null) return startDay >= fromDay && startDay <= toDay ? [make(startDay)] : [];

  const untilDay = rule.until && "date" in rule.until ? dayNumber(rule.until.date) : null;
  const untilInstant = rule.until && "instant" in rule.until ? Date.parse(rule.until.instant) : null;
  const result: NominalOccurrence[] = [];
  let counted = 0;
  // Without COUNT nothing before the window matters: skip to the period before it.
  let period = rule.count === null ? Math.max(0, Math.floor(periodsBetween(rule, startDay, fromDay) / rule.interval) - 1) : 0;
  for (let guard = 0; guard < MAX_PERIODS; guard += 1, period += 1) {
    const days = datesOfPeriod(rule, startDay, period);
    for (const day of days) {
      if (day < startDay) continue;
      if (day > toDay) return result;
      if (untilDay !== null && day > untilDay) return result;
      let occurrence: NominalOccurrence | null = null;
      if (untilInstant !== null) {
        occurrence = make(day);
        if (occurrence.start.getTime() > untilInstant) return result;
      }
      counted += 1;
      if (day >= fromDay) result.push(occurrence ?? make(day));
      if (rule.count !== null && counted >= rule.count) return result;
    }
    // A period past the window (and its dates) ends the walk even when it yielded nothing.
    if (days.length === 0 && periodStartAfter(rule, startDay, period, toDay)) return result;
  }
  return result;
}

function periodStartAfter(rule: RecurrenceRule, startDay: number, period: number, toDay: number): boolean {
  if (rule.freq === "DAILY") return startDay + rule.interval * period > toDay;
  if (rule.freq === "WEEKLY") return startDay - weekdayIndex(startDay) + 7 * rule.interval * period > toDay;
  const start = new Date(startDay * DAY_MS);
  const monthIndex = start.getUTCFullYear() * 12 + start.getUTCMonth() + rule.interval * period;
  return Date.UTC(Math.floor(monthIndex / 12), monthIndex % 12, 1) / DAY_MS > toDay;
}

/**
 * The local date of the plan's last occurrence, or null when the series has no end. It may be later
 * than the true last date (an UNTIL instant counts its UTC date plus one; a COUNT beyond the walk's
 * guard counts as no end), never earlier. Walks dates only: no wall time is resolved.
 */
export function lastOccurrenceDate(input: ExpandInput): string | null {
  const startDay = dayNumber(input.start.slice(0, 10));
  const rule = ruleOf(input.recurrence);
  if (rule === null) return dateOf(startDay);
  const untilDay = rule.until === null ? null : "date" in rule.until ? dayNumber(rule.until.date) : dayNumber(rule.until.instant.slice(0, 10)) + 1;
  if (rule.count === null) return untilDay === null ? null : dateOf(untilDay);
  let counted = 0;
  let last = startDay;
  for (let period = 0; period < MAX_PERIODS; period += 1) {
    for (const day of datesOfPeriod(rule, startDay, period)) {
      if (day < startDay) continue;
      if (untilDay !== null && day > untilDay) return dateOf(last);
      last = day;
      counted += 1;
      if (counted >= rule.count) return dateOf(last);
    }
  }
  return null;
}

/** Whether the plan yields an occurrence at this nominal local start (an occurrence id's second half). */
export function hasOccurrenceAt(input: ExpandInput, nominal: string): NominalOccurrence | null {
  const date = nominal.slice(0, 10);
  return expandOccurrences(input, date, date).find((occurrence) => occurrence.nominal === nominal) ?? null;
}

/** Every occurrence before `date` (for COUNT bookkeeping when a series is split). */
export function countOccurrencesBefore(input: ExpandInput, date: string): number {
  const startDate = input.start.slice(0, 10);
  if (startDate >= date) return 0;
  return expandOccurrences(input, startDate, dateOf(dayNumber(date) - 1)).length;
}

export function addDaysToDate(date: string, days: number): string {
  return dateOf(dayNumber(date) + days);
}
