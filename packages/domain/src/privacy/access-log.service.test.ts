import { addDays, canReadAccessLog, dayOf, deviceKindOf } from "./access-log.service";

// The access log's pure rules: which device a read came from, who may read the log, UTC days.

describe("deviceKindOf", () => {
  it("names a resident's paired tablet by its session, whatever its browser says", () => {
    expect(deviceKindOf({ sessionKind: "tablet", userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0" })).toBe("tablet");
  });

  it("tells phones, tablets and computers apart by the user agent, and says unknown without one", () => {
    expect(deviceKindOf({ sessionKind: "browser", userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148" })).toBe("phone");
    expect(deviceKindOf({ userAgent: "Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/120.0 Mobile Safari/537.36" })).toBe("phone");
    expect(deviceKindOf({ userAgent: "Mozilla/5.0 (Linux; Android 13; SM-X200) Chrome/120.0 Safari/537.36" })).toBe("tablet");
    expect(deviceKindOf({ userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0 Safari/537.36" })).toBe("desktop");
    expect(deviceKindOf({ userAgent: undefined })).toBe("unknown");
  });
});

it("lets the resident, family and coordinators read the access log, not professionals or volunteers", () => {
  expect(["resident", "family", "professional", "coordinator", "volunteer"].filter((role) => canReadAccessLog(role as never))).toEqual([
    "resident",
    "family",
    "coordinator",
  ]);
});

it("counts days in UTC across month ends", () => {
  expect(dayOf(new Date("2026-03-01T00:30:00+01:00"))).toBe("2026-02-28");
  expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
  expect(addDays("2026-01-01", -1)).toBe("2025-12-31");
});
