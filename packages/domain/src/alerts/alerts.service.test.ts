import { type AlertsDependencies, alertEventIds, createAlertsService, foldAlert, pageableResponders, type PageRequest, stepAlertOf, stepEventIds, withFirstResponder } from "./alerts.service";
import type { MembershipRecord } from "../circles/circles.ports";
import type { AlertEventRecord, AlertRecord } from "./alerts.ports";

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

describe("withFirstResponder (a missed visit)", () => {
  const member = (userId: string, role: MembershipRecord["role"]): MembershipRecord => ({ circleId: record.circleId, userId, role, joinedAt: new Date(0) });
  const memberships = [member("jan", "family"), member("nina", "professional"), member("lotte", "volunteer"), member("anna", "resident")];

  it("pages the professional who took the visit first, then the ladder without them", () => {
    expect(withFirstResponder(["jan", "nina"], memberships, "nina")).toEqual(["nina", "jan"]);
  });

  it("never pages a volunteer who took it, nor the resident: the ladder starts as it is", () => {
    expect(withFirstResponder(["jan", "nina"], memberships, "lotte")).toEqual(["jan", "nina"]);
    expect(withFirstResponder(["jan", "nina"], memberships, "anna")).toEqual(["jan", "nina"]);
  });
});

describe("a ladder step", () => {
  const marie = "m".repeat(24);
  const jan = "j".repeat(24);
  const memberships: MembershipRecord[] = [
    { circleId: record.circleId, userId: record.raisedBy as string, role: "resident", joinedAt: new Date(0) },
    { circleId: record.circleId, userId: marie, role: "family", joinedAt: new Date(1) },
    { circleId: record.circleId, userId: jan, role: "family", joinedAt: new Date(2) },
  ];

  /** Ports that log what the step does, in order; the events are a Map by key. */
  function setUp() {
    const calls: string[] = [];
    const events = new Map<string, AlertEventRecord>();
    const deps = {
      alerts: {
        async findById() {
          calls.push("read alert");
          return record;
        },
        async findEvents(_circleId: string, ids: string[]) {
          calls.push(`read ${ids.length} events`);
          return ids.flatMap((id) => events.get(id) ?? []);
        },
        async insertEvent(event: AlertEventRecord) {
          calls.push(`insert ${event.id.slice(25)}`);
          if (events.has(event.id)) return false;
          events.set(event.id, event);
          return true;
        },
      },
      escalations: { find: async () => ({ circleId: record.circleId, responders: [marie, jan], stepSeconds: 60 }) },
      memberships: { listForCircle: async () => memberships },
      scheduler: {
        async scheduleStep(job: { step: number }) {
          calls.push(`queue step ${job.step}`);
        },
      },
      publisher: { alertUpdated: () => calls.push("alert:update"), notify: () => undefined },
      async page(request: PageRequest) {
        calls.push(`page ${request.channels ?? "all"} to ${request.recipients.join()}`);
      },
      now: () => new Date(record.createdAt.getTime() + 50),
    } as unknown as AlertsDependencies;
    return { calls, events, service: createAlertsService(deps) };
  }

  it("reads only the claim, the resolve and its own page (3 keys for step 0), not the alert it carries", async () => {
    expect(stepEventIds(record.id, 0)).toEqual([`${record.id}:claimed`, `${record.id}:resolved`, `${record.id}:paged:0`]);
    const { calls, service } = setUp();
    const outcome = await service.runEscalationStep({ alertId: record.id, circleId: record.circleId, step: 0, alert: stepAlertOf(record) });
    expect(outcome.outcome).toBe("paged");
    // The next step is queued first (a worker killed after the page must not stall the ladder), the
    // in-app page goes out before any database write, push/email/SMS only after the page's insert won.
    expect(calls).toEqual(["read 3 events", "queue step 1", `page in_app to ${marie}`, "insert paged:0", `page others to ${marie}`, "alert:update"]);
  });

  it("pages nobody when run again after it completed, and still queues the next step", async () => {
    const { calls, service } = setUp();
    const job = { alertId: record.id, circleId: record.circleId, step: 0, alert: stepAlertOf(record) };
    await service.runEscalationStep(job);
    calls.length = 0;
    expect((await service.runEscalationStep(job)).outcome).toBe("already_done");
    expect(calls).toEqual(["read 3 events", "queue step 1"]);
  });

  it("stops without paging when the alert was claimed, and reads the alert when the job does not carry it", async () => {
    const { calls, events, service } = setUp();
    const claim: AlertEventRecord = { ...event("claimed", 1, { userId: marie }), id: `${record.id}:claimed` };
    events.set(claim.id, claim);
    expect((await service.runEscalationStep({ alertId: record.id, circleId: record.circleId, step: 0 })).outcome).toBe("stopped");
    expect(calls).toEqual(["read alert", "read 3 events"]);
  });
});

describe("the alerts of a missed check-in (asked for by checkin.service.ts)", () => {
  const circleId = record.circleId;
  const anna = "a".repeat(24);
  const missed = (id: string): AlertRecord => ({ id, circleId, kind: "missed_checkin", raisedBy: null, clientId: `missed-checkin:${id}`, createdAt: record.createdAt });

  function setUp(stored: AlertRecord[]) {
    const calls: string[] = [];
    const events = new Map<string, AlertEventRecord>();
    const deps = {
      alerts: {
        async insert(draft: Omit<AlertRecord, "id">) {
          calls.push(`insert ${draft.kind} ${draft.clientId} by ${draft.raisedBy}`);
          return { ...draft, id: "n".repeat(24) };
        },
        listForCircle: async () => stored,
        findEvents: async (_circleId: string, ids: string[]) => ids.flatMap((id) => events.get(id) ?? []),
        async insertEvent(event: AlertEventRecord) {
          if (events.has(event.id)) return false;
          calls.push(`insert ${event.id.slice(0, 1)}:${event.type} "${event.note}"`);
          events.set(event.id, event);
          return true;
        },
      },
      scheduler: {
        async scheduleStep(job: { step: number }) {
          calls.push(`queue step ${job.step}`);
        },
      },
      publisher: { alertUpdated: (alert: { id: string; status: string }) => calls.push(`alert:update ${alert.id.slice(0, 1)} ${alert.status}`) },
      now: () => new Date(record.createdAt.getTime() + 50),
    } as unknown as AlertsDependencies;
    return { calls, events, service: createAlertsService(deps) };
  }

  it("raises one alert per local date, by nobody, and starts the ladder", async () => {
    const { calls, service } = setUp([]);
    const { alert, isNew } = await service.raiseMissedCheckin({ circleId, date: "2026-11-28" });
    expect(isNew).toBe(true);
    expect(alert).toMatchObject({ kind: "missed_checkin", status: "open", raisedBy: null, clientId: "missed-checkin:2026-11-28" });
    expect(calls).toEqual(["insert missed_checkin missed-checkin:2026-11-28 by null", "queue step 0", "alert:update n open"]);
  });

  it("resolves the open missed check-ins as checked in, and leaves a resolved one and other kinds alone", async () => {
    const help = { ...record, id: "h".repeat(24) };
    const { calls, events, service } = setUp([missed("o".repeat(24)), help, missed("r".repeat(24))]);
    events.set(`${"r".repeat(24)}:resolved`, { ...event("resolved", 1), id: `${"r".repeat(24)}:resolved`, alertId: "r".repeat(24) });
    const at = new Date("2026-11-28T09:00:00Z");
    await service.resolveMissedCheckins({ circleId, userId: anna, at });
    expect(calls).toEqual([`insert o:resolved "Checked in"`, "alert:update o resolved"]);
    expect(events.get(`${"o".repeat(24)}:resolved`)).toMatchObject({ userId: anna, at });
  });
});
