// The plan form's plain recurrence choices and the RFC 5545 RRULE subset the server accepts
// (FREQ DAILY|WEEKLY|MONTHLY, INTERVAL, BYDAY, COUNT, UNTIL). A person picks "every week on
// Tuesday and Thursday"; nobody should ever have to read "FREQ=WEEKLY;BYDAY=TU,TH".

export const WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export type RecurrenceChoice =
  | { kind: "once" }
  | { kind: "daily" }
  /** Every week (interval 1) or every 2, 3, 4 weeks, on one or more days. */
  | { kind: "weekly"; interval: number; days: Weekday[] }
  /** Every month on the start's day of the month. */
  | { kind: "monthly" }
  /** A rule the choices cannot show (written by another client): kept exactly as it is. */
  | { kind: "custom"; rule: string };

/** The weekday of a "YYYY-MM-DD…" date (the plan's own wall date, whatever the reader's zone). */
export function weekdayOf(date: string): Weekday {
  const [year, month, day] = date.slice(0, 10).split("-").map(Number);
  const index = new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, day ?? 1)).getUTCDay(); // 0 = Sunday
  return WEEKDAYS[(index + 6) % 7]!;
}

/** The RRULE for a choice (null: once). Days come out in week order, Monday first. */
export function toRrule(choice: RecurrenceChoice, start: string): string | null {
  switch (choice.kind) {
    case "once":
      return null;
    case "daily":
      return "FREQ=DAILY";
    case "monthly":
      return "FREQ=MONTHLY";
    case "custom":
      return choice.rule;
    case "weekly": {
      const days = WEEKDAYS.filter((day) => choice.days.includes(day));
      const byDay = (days.length > 0 ? days : [weekdayOf(start)]).join(",");
      const interval = Math.max(1, Math.floor(choice.interval));
      return interval === 1 ? `FREQ=WEEKLY;BYDAY=${byDay}` : `FREQ=WEEKLY;INTERVAL=${interval};BYDAY=${byDay}`;
    }
  }
}

/** The choice that shows a stored rule; a rule outside the choices becomes `custom` and is kept. */
export function fromRrule(rule: string | null, start: string): RecurrenceChoice {
  if (rule === null || rule.trim() === "") return { kind: "once" };
  const parts = new Map<string, string>();
  for (const part of rule.trim().replace(/^RRULE:/i, "").split(";")) {
    const [key, value] = part.split("=");
    if (key && value !== undefined) parts.set(key.toUpperCase(), value.toUpperCase());
  }
  const custom = { kind: "custom", rule } as const;
  const interval = parts.has("INTERVAL") ? Number(parts.get("INTERVAL")) : 1;
  const known = new Set(["FREQ", "INTERVAL", "BYDAY"]);
  if ([...parts.keys()].some((key) => !known.has(key)) || !Number.isInteger(interval) || interval < 1) return custom;
  const byDay = parts.get("BYDAY");
  switch (parts.get("FREQ")) {
    case "DAILY":
      return interval === 1 && byDay === undefined ? { kind: "daily" } : custom;
    case "MONTHLY":
      return interval === 1 && byDay === undefined ? { kind: "monthly" } : custom;
    case "WEEKLY": {
      if (interval > 4) return custom;
      const days = byDay === undefined ? [weekdayOf(start)] : byDay.split(",");
      if (!days.every((day): day is Weekday => (WEEKDAYS as readonly string[]).includes(day))) return custom;
      return { kind: "weekly", interval, days: WEEKDAYS.filter((day) => days.includes(day)) };
    }
    default:
      return custom;
  }
}
