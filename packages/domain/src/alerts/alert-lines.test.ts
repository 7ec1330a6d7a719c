import { alertLineBody, alertLineOf, createAlertLineWriter } from "./alert-lines";
import { foldAlert } from "./alerts.service";
import type { AlertEventRecord, AlertRecord } from "./alerts.ports";
import { canSeeResidentProfile, normalisePhone } from "../residents/resident-profiles.service";

const anna = "a".repeat(24);
const marie = "b".repeat(24);
const record = (kind: AlertRecord["kind"]): AlertRecord => ({
  id: "1".repeat(24),
  circleId: "c".repeat(24),
  kind,
  raisedBy: kind === "missed_checkin" ? null : anna,
  clientId: "tap-1",
  createdAt: new Date("2026-11-28T10:00:00Z"),
});
const event = (type: AlertEventRecord["type"], extra: Partial<AlertEventRecord> = {}): AlertEventRecord => ({
  id: `x:${type}`,
  alertId: "1".repeat(24),
  circleId: "c".repeat(24),
  type,
  userId: marie,
  step: null,
  note: null,
  at: new Date("2026-11-28T10:01:00Z"),
  ...extra,
});

describe("the lines a Help leaves in the conversation", () => {
  it("one for the raise, the claim and the resolve; none for pages, call-me or a missed check-in", () => {
    expect(alertLineOf(foldAlert(record("help"), []))).toEqual({ type: "alert_raised", userId: anna, note: null });
    expect(alertLineOf(foldAlert(record("help"), [event("paged", { step: 0 })]))).toBeNull();
    // The first page that left with the raise itself (recorded at the raise's time) is part of the raise.
    const pagedAtRaise = event("paged", { step: 0, at: record("help").createdAt });
    expect(alertLineOf(foldAlert(record("help"), [pagedAtRaise]))).toEqual({ type: "alert_raised", userId: anna, note: null });
    expect(alertLineOf(foldAlert(record("help"), [event("claimed")]))).toEqual({ type: "alert_claimed", userId: marie, note: null });
    expect(alertLineOf(foldAlert(record("help"), [event("claimed"), event("resolved", { note: "fine" })]))).toEqual({
      type: "alert_resolved",
      userId: marie,
      note: "fine",
    });
    expect(alertLineOf(foldAlert(record("call_me"), []))).toBeNull();
    expect(alertLineOf(foldAlert(record("missed_checkin"), []))).toBeNull();
  });

  it("writes plain English for older clients, with the alert-derived clientId", async () => {
    expect(alertLineBody({ type: "alert_raised", alertId: anna, userId: anna, name: "Anna" })).toBe("Anna pressed Help.");
    const written: { circleId: string; clientId: string; body: string }[] = [];
    const write = createAlertLineWriter({
      appendSystemLine: async (circleId, input) => {
        written.push({ circleId, clientId: input.clientId, body: input.body });
        return { message: { id: "m".repeat(24), circleId, seq: 1, thread: "circle", clientId: input.clientId, senderId: circleId, body: input.body, createdAt: "" }, isNew: true };
      },
      users: {
        findById: async (id) => ({ id, email: "", passwordHash: "", isManaged: false, name: id === marie ? "Marie" : "Anna" }),
      },
      onStored: () => undefined,
    });
    await write(foldAlert(record("help"), [event("claimed")]));
    expect(written).toEqual([{ circleId: "c".repeat(24), clientId: `alert:${"1".repeat(24)}:alert_claimed`, body: "Marie is on it." }]);
  });
});

describe("the resident's profile", () => {
  it("reads phone numbers as people write them, in Belgium by default", () => {
    expect(normalisePhone("0470 12 34 56")).toBe("+32470123456");
    expect(normalisePhone("+32 470 12 34 56")).toBe("+32470123456");
    expect(normalisePhone("050 12 34 56")).toBe("+3250123456");
    expect(normalisePhone("12345")).toBeNull();
    expect(normalisePhone("not a number")).toBeNull();
  });

  it("is for family, professionals and coordinators only", () => {
    expect(["family", "professional", "coordinator"].every(canSeeResidentProfile)).toBe(true);
    expect(canSeeResidentProfile("resident")).toBe(false);
    expect(canSeeResidentProfile("volunteer")).toBe(false);
  });
});
