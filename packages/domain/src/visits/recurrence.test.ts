import { parseRecurrenceRule } from "@kring/protocol";
import { expandOccurrences, formatWithOffset, lastOccurrenceDate, resolveWallTime } from "./recurrence";

const tz = "Europe/Brussels";
const view = (plan: { start: string; recurrence: string | null }, from: string, to: string) =>
  expandOccurrences({ ...plan, timeZone: tz }, from, to).map((o) => ({
    nominal: o.nominal,
    local: formatWithOffset(o.start, tz),
    utc: o.start.toISOString(),
    dstShifted: o.dstShifted,
  }));

describe("recurrence across the 2027 EU DST changes in Europe/Brussels", () => {
  it("keeps a weekly 14:00 visit at 14:00 local across spring forward (28 March 2027)", () => {
    expect(view({ start: "2027-03-21T14:00", recurrence: "FREQ=WEEKLY" }, "2027-03-01", "2027-04-04")).toEqual([
      { nominal: "2027-03-21T14:00", local: "2027-03-21T14:00:00+01:00", utc: "2027-03-21T13:00:00.000Z", dstShifted: false },
      { nominal: "2027-03-28T14:00", local: "2027-03-28T14:00:00+02:00", utc: "2027-03-28T12:00:00.000Z", dstShifted: false },
      { nominal: "2027-04-04T14:00", local: "2027-04-04T14:00:00+02:00", utc: "2027-04-04T12:00:00.000Z", dstShifted: false },
    ]);
  });

  it("keeps it at 14:00 local across fall back (31 October 2027)", () => {
    expect(view({ start: "2027-10-24T14:00", recurrence: "FREQ=WEEKLY;BYDAY=SU" }, "2027-10-20", "2027-11-07").map((o) => [o.local, o.utc])).toEqual([
      ["2027-10-24T14:00:00+02:00", "2027-10-24T12:00:00.000Z"],
      ["2027-10-31T14:00:00+01:00", "2027-10-31T13:00:00.000Z"],
      ["2027-11-07T14:00:00+01:00", "2027-11-07T13:00:00.000Z"],
    ]);
  });

  it("moves a 02:30 in the spring-forward gap to 03:30, flagged, and keeps its nominal id", () => {
    expect(view({ start: "2027-03-27T02:30", recurrence: "FREQ=DAILY" }, "2027-03-27", "2027-03-29")).toEqual([
      { nominal: "2027-03-27T02:30", local: "2027-03-27T02:30:00+01:00", utc: "2027-03-27T01:30:00.000Z", dstShifted: false },
      { nominal: "2027-03-28T02:30", local: "2027-03-28T03:30:00+02:00", utc: "2027-03-28T01:30:00.000Z", dstShifted: true },
      { nominal: "2027-03-29T02:30", local: "2027-03-29T02:30:00+02:00", utc: "2027-03-29T00:30:00.000Z", dstShifted: false },
    ]);
  });

  it("takes the earlier instant of the repeated autumn hour", () => {
    expect(resolveWallTime("2027-10-31T02:30", tz)).toEqual({ instant: new Date("2027-10-31T00:30:00.000Z"), dstShifted: false });
    expect(view({ start: "2027-10-30T02:30", recurrence: "FREQ=DAILY;COUNT=3" }, "2027-10-30", "2027-11-05").map((o) => o.local)).toEqual([
      "2027-10-30T02:30:00+02:00",
      "2027-10-31T02:30:00+02:00",
      "2027-11-01T02:30:00+01:00",
    ]);
  });

  it("counts COUNT from the start, also before the window (BYDAY=TU,TH)", () => {
    const plan = { start: "2027-03-23T09:00", recurrence: "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=5" };
    expect(view(plan, "2027-03-01", "2027-12-31").map((o) => o.local)).toEqual([
      "2027-03-23T09:00:00+01:00",
      "2027-03-25T09:00:00+01:00",
      "2027-03-30T09:00:00+02:00",
      "2027-04-01T09:00:00+02:00",
      "2027-04-06T09:00:00+02:00",
    ]);
    expect(view(plan, "2027-03-30", "2027-12-31").map((o) => o.nominal)).toEqual(["2027-03-30T09:00", "2027-04-01T09:00", "2027-04-06T09:00"]);
  });

  it("ends at UNTIL, as a date (inclusive) and as a UTC instant", () => {
    expect(view({ start: "2027-03-27T14:00", recurrence: "FREQ=DAILY;UNTIL=20270330" }, "2027-03-01", "2027-04-30").map((o) => o.nominal)).toEqual([
      "2027-03-27T14:00",
      "2027-03-28T14:00",
      "2027-03-29T14:00",
      "2027-03-30T14:00",
    ]);
    // 29 March 14:00 CEST is 12:00Z: exactly UNTIL, so included; the 30th is after it.
    expect(view({ start: "2027-03-27T14:00", recurrence: "FREQ=DAILY;UNTIL=20270329T120000Z" }, "2027-03-01", "2027-04-30").map((o) => o.nominal)).toEqual([
      "2027-03-27T14:00",
      "2027-03-28T14:00",
      "2027-03-29T14:00",
    ]);
  });

  it("repeats every INTERVAL periods, also when the window starts long after the start", () => {
    const plan = { start: "2027-03-23T10:00", recurrence: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU" };
    expect(view(plan, "2027-03-01", "2027-04-30").map((o) => o.nominal)).toEqual(["2027-03-23T10:00", "2027-04-06T10:00", "2027-04-20T10:00"]);
    expect(view(plan, "2028-01-01", "2028-01-31").map((o) => o.nominal)).toEqual(["2028-01-11T10:00", "2028-01-25T10:00"]);
    expect(view({ start: "2027-03-23T10:00", recurrence: "FREQ=DAILY;INTERVAL=3" }, "2027-03-29", "2027-04-04").map((o) => o.nominal)).toEqual([
      "2027-03-29T10:00",
      "2027-04-01T10:00",
      "2027-04-04T10:00",
    ]);
  });

  it("expands MONTHLY by day of the month (skipping months without it) and by an ordinal weekday", () => {
    expect(view({ start: "2027-01-31T10:00", recurrence: "FREQ=MONTHLY" }, "2027-01-01", "2027-06-30").map((o) => o.nominal)).toEqual([
      "2027-01-31T10:00",
      "2027-03-31T10:00",
      "2027-05-31T10:00",
    ]);
    expect(view({ start: "2027-01-01T10:00", recurrence: "FREQ=MONTHLY;BYDAY=-1FR" }, "2027-01-01", "2027-03-31").map((o) => o.nominal)).toEqual([
      "2027-01-29T10:00",
      "2027-02-26T10:00",
      "2027-03-26T10:00",
    ]);
  });

  it("yields a one-off plan only inside the window, and only dates on or after the start", () => {
    expect(view({ start: "2027-03-28T02:30", recurrence: null }, "2027-03-28", "2027-03-28")).toEqual([
      { nominal: "2027-03-28T02:30", local: "2027-03-28T03:30:00+02:00", utc: "2027-03-28T01:30:00.000Z", dstShifted: true },
    ]);
    expect(view({ start: "2027-03-28T10:00", recurrence: null }, "2027-03-29", "2027-04-28")).toEqual([]);
    // A Wednesday start with BYDAY=TU: the first occurrence is the next Tuesday.
    expect(view({ start: "2027-03-24T10:00", recurrence: "FREQ=WEEKLY;BYDAY=TU" }, "2027-03-01", "2027-03-31").map((o) => o.nominal)).toEqual([
      "2027-03-30T10:00",
    ]);
  });
});

describe("parseRecurrenceRule (the subset, strictly)", () => {
  it.each([
    "FREQ=WEEKLY;BYDAY=TU,TH",
    "RRULE:FREQ=DAILY;INTERVAL=2;COUNT=10",
    "FREQ=MONTHLY;BYDAY=2TU",
    "FREQ=WEEKLY;UNTIL=20271231T230000Z",
  ])("accepts %s", (text) => {
    expect(parseRecurrenceRule(text).ok).toBe(true);
  });

  it.each([
    "",
    "FREQ=YEARLY",
    "FREQ=HOURLY",
    "freq=weekly",
    "FREQ=WEEKLY;BYMONTHDAY=1",
    "FREQ=WEEKLY;WKST=SU",
    "FREQ=WEEKLY;BYSETPOS=1",
    "FREQ=DAILY;COUNT=0",
    "FREQ=DAILY;INTERVAL=x",
    "FREQ=WEEKLY;BYDAY=XX",
    "FREQ=WEEKLY;BYDAY=2TU",
    "FREQ=DAILY;COUNT=3;UNTIL=20271231",
    "FREQ=DAILY;FREQ=WEEKLY",
    "FREQ=DAILY;UNTIL=20270230",
    "INTERVAL=2",
    "FREQ=DAILY;",
    "FREQ=DAILY\r\nX-INJECT=1",
  ])("refuses %j", (text) => {
    expect(parseRecurrenceRule(text).ok).toBe(false);
  });
});

describe("lastOccurrenceDate (what a circle's current-plan list keeps per plan)", () => {
  const base = { start: "2027-03-23T14:00", timeZone: "Europe/Brussels" };
  it("is the start for a one-off, the UNTIL date, or null for a series without end", () => {
    expect(lastOccurrenceDate({ ...base, recurrence: null })).toBe("2027-03-23");
    expect(lastOccurrenceDate({ ...base, recurrence: "FREQ=WEEKLY;BYDAY=TU" })).toBeNull();
    expect(lastOccurrenceDate({ ...base, recurrence: "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270601" })).toBe("2027-06-01");
    // An UNTIL instant: its UTC date plus one (never earlier than the local date of the last one).
    expect(lastOccurrenceDate({ ...base, recurrence: "FREQ=DAILY;UNTIL=20270401T120000Z" })).toBe("2027-04-02");
  });
  it("counts a COUNT the way the expansion does, and agrees with it", () => {
    for (const recurrence of ["FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10", "FREQ=MONTHLY;COUNT=5", "FREQ=DAILY;INTERVAL=3;COUNT=7", "FREQ=MONTHLY;BYDAY=-1FR;COUNT=4"]) {
      const all = expandOccurrences({ ...base, recurrence }, "2027-01-01", "2030-12-31");
      expect(lastOccurrenceDate({ ...base, recurrence })).toBe(all.at(-1)!.date);
    }
    // The 31st: months without one have no occurrence, and COUNT skips them too.
    const the31st = { start: "2027-01-31T09:00", timeZone: "Europe/Brussels", recurrence: "FREQ=MONTHLY;COUNT=3" };
    expect(lastOccurrenceDate(the31st)).toBe("2027-05-31");
  });
});
