import { alertEventIds, foldAlert, pageableResponders } from "./alerts.service";
import type { AlertEventRecord, AlertRecord, MembershipRecord } from "./ports";

const record: AlertRecord = {
  id: "a".repeat(24),
  circleId: "c".repeat(24),
  kind: "help",
  raisedBy: "r".repeat(24),
  clientId: "tap-1",
  createdAt: new Date("2026-11-28T10:00:00Z"),
};
const event = (type: AlertEventRecord["type"], seconds: number, extra: Partial<AlertEventRecord> = {}): AlertEventRecord => ({
  id: `${record.id}:${type}:${seconds}`,
  alertId: record.id,
  circleId: record.circleId,
  type,
  userId: null,
  step: null,
  note: null,
  at: new Date(record.createdAt.getTime() + seconds * 1000),
  ...extra,
});

describe("foldAlert over keyed events", () => {
  it("takes the raise from the record and expands the unanswered fan-out into pages, in order", () => {
    const alert = foldAlert(record, [
      event("unanswered", 20, { recipients: ["p".repeat(24), "s".repeat(24)] }),
      event("paged", 10, { userId: "j".repeat(24), step: 1 }),
      event("paged", 0, { userId: "m".repeat(24), step: 0 }),
    ]);
    expect(alert.status).toBe("unanswered");
    expect(alert.history.map((h) => [h.type, h.userId, h.step])).toEqual([
      ["raised", record.raisedBy, undefined],
      ["paged", "m".repeat(24), 0],
      ["paged", "j".repeat(24), 1],
      ["unanswered", null, undefined],
      ["paged", "p".repeat(24), -1],
      ["paged", "s".repeat(24), -1],
    ]);
    expect(alert.paged.map((p) => p.userId)).toEqual(["m", "j", "p", "s"].map((c) => c.repeat(24)));
  });

  it("enumerates the event keys the fold reads", () => {
    expect(alertEventIds.fixed(record.id)).toEqual([`${record.id}:claimed`, `${record.id}:resolved`, `${record.id}:unanswered`]);
    expect(alertEventIds.page(record.id, 2)).toBe(`${record.id}:paged:2`);
  });
});

describe("pageableResponders", () => {
  const member = (userId: string, role: MembershipRecord["role"]): MembershipRecord => ({ circleId: record.circleId, userId, role, joinedAt: new Date(0) });
  const memberships = [member("raiser", "family"), member("jan", "family"), member("anna", "resident"), member("nina", "professional")];

  it("leaves out the raiser, residents and people who left, keeping the order", () => {
    expect(pageableResponders(["raiser", "anna", "gone", "jan", "nina"], memberships, "raiser")).toEqual(["jan", "nina"]);
  });

  it("keeps everyone else when the system raised the alert (missed check-in)", () => {
    expect(pageableResponders(["raiser", "jan"], memberships, null)).toEqual(["raiser", "jan"]);
  });
});
