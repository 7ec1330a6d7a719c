import { fromRrule, toRrule, weekdayOf } from "./recurrence";

// The plan form's plain choices ↔ the server's RRULE subset (FREQ DAILY|WEEKLY|MONTHLY, INTERVAL,
// BYDAY, COUNT, UNTIL). 2027-03-30 is a Tuesday.
const START = "2027-03-30T14:00";

it("knows the weekday of the plan's own date, whatever the reader's time zone", () => {
  expect(weekdayOf("2027-03-30")).toBe("TU");
  expect(weekdayOf("2027-03-28T23:30")).toBe("SU");
  expect(weekdayOf("2027-11-01")).toBe("MO");
});

it("turns each plain choice into the rule the server expands", () => {
  expect(toRrule({ kind: "once" }, START)).toBeNull();
  expect(toRrule({ kind: "daily" }, START)).toBe("FREQ=DAILY");
  expect(toRrule({ kind: "weekly", interval: 1, days: ["TH", "TU"] }, START)).toBe("FREQ=WEEKLY;BYDAY=TU,TH");
  expect(toRrule({ kind: "weekly", interval: 2, days: ["WE"] }, START)).toBe("FREQ=WEEKLY;INTERVAL=2;BYDAY=WE");
  expect(toRrule({ kind: "monthly" }, START)).toBe("FREQ=MONTHLY");
});

it("falls back to the start's weekday when no day is ticked, so a weekly plan never loses its day", () => {
  expect(toRrule({ kind: "weekly", interval: 1, days: [] }, START)).toBe("FREQ=WEEKLY;BYDAY=TU");
});

it("shows a stored rule as the choice that made it, round trip", () => {
  for (const rule of [null, "FREQ=DAILY", "FREQ=WEEKLY;BYDAY=TU,TH", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR", "FREQ=MONTHLY"]) {
    expect(toRrule(fromRrule(rule, START), START)).toBe(rule);
  }
  expect(fromRrule("RRULE:FREQ=WEEKLY;BYDAY=TH,TU", START)).toEqual({ kind: "weekly", interval: 1, days: ["TU", "TH"] });
  expect(fromRrule("FREQ=WEEKLY", START)).toEqual({ kind: "weekly", interval: 1, days: ["TU"] });
});

it("keeps a rule the choices cannot show exactly as it is, so an edit does not change it behind the person's back", () => {
  for (const rule of ["FREQ=DAILY;COUNT=10", "FREQ=WEEKLY;BYDAY=TU;UNTIL=20271231", "FREQ=MONTHLY;BYDAY=2TU", "FREQ=DAILY;INTERVAL=3"]) {
    expect(fromRrule(rule, START)).toEqual({ kind: "custom", rule });
    expect(toRrule(fromRrule(rule, START), START)).toBe(rule);
  }
});
