import { datesBetween, latestDeadline, nextDeadline, quietHoursEnd, toLocal, zonedTimeToInstant } from "./local-time";

describe("local time", () => {
  it("converts wall-clock time in a zone to an instant, in summer and winter", () => {
    expect(zonedTimeToInstant("2026-07-01", "10:00", "Europe/Brussels").toISOString()).toBe("2026-07-01T08:00:00.000Z");
    expect(zonedTimeToInstant("2026-12-01", "10:00", "Europe/Brussels").toISOString()).toBe("2026-12-01T09:00:00.000Z");
    expect(zonedTimeToInstant("2026-12-01", "10:00", "America/New_York").toISOString()).toBe("2026-12-01T15:00:00.000Z");
    expect(zonedTimeToInstant("2026-12-01", "00:30", "Pacific/Kiritimati").toISOString()).toBe("2026-11-30T10:30:00.000Z");
  });

  it("handles the days the clocks change", () => {
    // Brussels springs forward on 2026-03-29 at 02:00 and falls back on 2026-10-25 at 03:00.
    expect(zonedTimeToInstant("2026-03-29", "10:00", "Europe/Brussels").toISOString()).toBe("2026-03-29T08:00:00.000Z");
    expect(zonedTimeToInstant("2026-10-25", "10:00", "Europe/Brussels").toISOString()).toBe("2026-10-25T09:00:00.000Z");
    expect(toLocal(zonedTimeToInstant("2026-03-29", "02:30", "Europe/Brussels"), "Europe/Brussels").minuteOfDay).toBe(3 * 60 + 30);
  });

  it("finds the next and latest deadline across midnight and time zones", () => {
    const now = new Date("2026-11-24T23:30:00Z"); // 00:30 on the 25th in Brussels
    expect(nextDeadline(now, "10:00", "Europe/Brussels")).toEqual({ at: new Date("2026-11-25T09:00:00Z"), date: "2026-11-25" });
    expect(latestDeadline(now, "10:00", "Europe/Brussels")).toEqual({ at: new Date("2026-11-24T09:00:00Z"), date: "2026-11-24" });
    // In Tokyo it is already 08:30 on the 25th.
    expect(nextDeadline(now, "10:00", "Asia/Tokyo")).toEqual({ at: new Date("2026-11-25T01:00:00Z"), date: "2026-11-25" });
    expect(nextDeadline(new Date("2026-11-25T09:00:00Z"), "10:00", "Europe/Brussels").date).toBe("2026-11-26");
  });

  it("knows when quiet hours end, overnight and same-day", () => {
    const overnight = { start: "22:00", end: "07:00", timeZone: "Europe/Brussels" };
    expect(quietHoursEnd(new Date("2026-11-24T22:30:00Z"), overnight)?.toISOString()).toBe("2026-11-25T06:00:00.000Z");
    expect(quietHoursEnd(new Date("2026-11-25T05:00:00Z"), overnight)?.toISOString()).toBe("2026-11-25T06:00:00.000Z");
    expect(quietHoursEnd(new Date("2026-11-25T12:00:00Z"), overnight)).toBeNull();
    const afternoon = { start: "13:00", end: "15:00", timeZone: "Europe/Brussels" };
    expect(quietHoursEnd(new Date("2026-11-25T12:30:00Z"), afternoon)?.toISOString()).toBe("2026-11-25T14:00:00.000Z");
    expect(quietHoursEnd(new Date("2026-11-25T14:30:00Z"), afternoon)).toBeNull();
    expect(quietHoursEnd(new Date(), { start: "09:00", end: "09:00", timeZone: "UTC" })).toBeNull();
  });

  it("lists the calendar days of a range, across month ends, leap days and DST", () => {
    expect(datesBetween("2028-02-27", "2028-03-01")).toEqual(["2028-02-27", "2028-02-28", "2028-02-29", "2028-03-01"]);
    expect(datesBetween("2026-10-24", "2026-10-26")).toEqual(["2026-10-24", "2026-10-25", "2026-10-26"]);
    expect(datesBetween("2026-01-01", "2026-01-01")).toEqual(["2026-01-01"]);
    expect(datesBetween("2026-01-02", "2026-01-01")).toEqual([]);
  });
});
