import {
  type Alert,
  type AlertKind,
  type AlertStatus,
  CHECKIN_DEFAULT,
  type Checkin,
  type CheckinSchedule,
  type Escalation,
  type EscalationStepJob,
  type NotificationKind,
  STEP_SECONDS_DEFAULT,
} from "@kring/protocol";
import { requireMembership } from "./circles.service";
import { DomainError, DuplicateKeyError } from "./errors";
import { latestDeadline, toLocal } from "./local-time";
import type {
  AlertEventRecord,
  AlertRecord,
  AlertRepository,
  CheckinRepository,
  EscalationRepository,
  EscalationScheduler,
  MembershipRecord,
  MembershipRepository,
  RealtimePublisher,
} from "./ports";

/**
 * Builds the contract's Alert from its record and its events (in any order). The raise itself is
 * the alert's own insert, so its `raised` entry comes from the record; an `unanswered` event
 * carries its fan-out (`recipients`), which becomes one `paged` entry per recipient.
 */
export function foldAlert(record: AlertRecord, events: AlertEventRecord[]): Alert {
  const raised: AlertEventRecord = {
    id: eventId(record.id, "raised"),
    alertId: record.id,
    circleId: record.circleId,
    type: "raised",
    userId: record.raisedBy,
    step: null,
    note: null,
    at: record.createdAt,
  };
  const expanded = [raised, ...events.filter((e) => e.type !== "raised")].flatMap((event) =>
    event.type === "unanswered" && event.recipients
      ? [
          event,
          ...event.recipients.map(
            (userId): AlertEventRecord => ({ ...event, id: eventId(record.id, "paged", "unanswered", userId), type: "paged", userId, step: -1 }),
          ),
        ]
      : [event],
  );
  // A stable sort: the unanswered fan-out keeps its place right after the unanswered entry.
  const sorted = expanded.sort((a, b) => a.at.getTime() - b.at.getTime());
  const find = (type: AlertEventRecord["type"]) => sorted.find((e) => e.type === type);
  const claimed = find("claimed");
  const resolved = find("resolved");
  const unanswered = find("unanswered");
  const status: AlertStatus = resolved ? "resolved" : claimed ? "claimed" : unanswered ? "unanswered" : "open";
  return {
    id: record.id,
    circleId: record.circleId,
    kind: record.kind,
    status,
    raisedBy: record.raisedBy,
    clientId: record.clientId,
    createdAt: record.createdAt.toISOString(),
    paged: sorted
      .filter((e) => e.type === "paged" && e.userId !== null)
      .map((e) => ({ userId: e.userId as string, at: e.at.toISOString() })),
    claimedBy: claimed?.userId ?? null,
    claimedAt: claimed?.at.toISOString() ?? null,
    resolvedBy: resolved?.userId ?? null,
    resolvedAt: resolved?.at.toISOString() ?? null,
    note: resolved?.note ?? null,
    history: sorted.map((e) => ({
      type: e.type,
      at: e.at.toISOString(),
      userId: e.userId,
      ...(e.step !== null ? { step: e.step } : {}),
    })),
  };
}

/** `help` and a missed check-in may be an emergency; `call_me` can wait for quiet hours to end. */
export function isUrgent(kind: AlertKind): boolean {
  return kind === "help" || kind === "missed_checkin";
}

/** Family in the order they joined, then professionals, then coordinators. Residents are never paged. */
export function defaultLadder(memberships: MembershipRecord[]): string[] {
  const byJoin = [...memberships].sort((a, b) => a.joinedAt.getTime() - b.joinedAt.getTime());
  return (["family", "professional", "coordinator"] as const).flatMap((role) =>
    byJoin.filter((m) => m.role === role).map((m) => m.userId),
  );
}

/** Who is paged when the ladder runs out: every professional, then every coordinator of the circle. */
export function unansweredRecipients(memberships: MembershipRecord[]): string[] {
  return (["professional", "coordinator"] as const).flatMap((role) =>
    memberships.filter((m) => m.role === role).map((m) => m.userId),
  );
}

export type PageRequest = {
  circleId: string;
  alert: Alert;
  recipients: string[];
  kind: NotificationKind;
};

export type AlertsDependencies = {
  alerts: AlertRepository;
  escalations: EscalationRepository;
  memberships: MembershipRepository;
  checkins: CheckinRepository;
  scheduler: EscalationScheduler;
  publisher: RealtimePublisher;
  /** Queues the pages for the recipients (see notifications.service.ts). */
  page: (request: PageRequest) => Promise<void>;
  now: () => Date;
};

/** Folds many alerts at once from one list of events (grouped once, not filtered per alert). */
export function foldAlerts(records: AlertRecord[], events: AlertEventRecord[]): Alert[] {
  const byAlert = new Map<string, AlertEventRecord[]>();
  for (const event of events) {
    const list = byAlert.get(event.alertId);
    if (list) list.push(event);
    else byAlert.set(event.alertId, [event]);
  }
  return records.map((record) => foldAlert(record, byAlert.get(record.id) ?? []));
}

const CIRCLE_LIST_LIMIT = 200;
const INBOX_PER_CIRCLE = 20;
const INBOX_LIMIT = 200;

/** The inbox order: what still needs someone first, then claimed, then resolved; newest first within each. */
const inboxRank: Record<AlertStatus, number> = { open: 0, unanswered: 0, claimed: 1, resolved: 2 };

function eventId(alertId: string, ...parts: (string | number)[]) {
  return [alertId, ...parts].join(":");
}

/**
 * An alert's events have ids the fold can enumerate (no query): three fixed ones, and the ladder's
 * pages `paged:0`, `paged:1`, … Pages are contiguous (step n + 1 is queued only by step n, after it
 * inserted `paged:n`), so the fold reads them in batches until one comes back short.
 */
export const alertEventIds = {
  fixed: (alertId: string) => (["claimed", "resolved", "unanswered"] as const).map((type) => eventId(alertId, type)),
  page: (alertId: string, step: number) => eventId(alertId, "paged", step),
};
const PAGE_BATCH = 4;

/** Residents are never paged (they raise alerts), nor is whoever raised this one, nor someone who left. */
export function pageableResponders(responders: string[], memberships: MembershipRecord[], raisedBy: string | null): string[] {
  const roleOf = new Map(memberships.map((m) => [m.userId, m.role]));
  return responders.filter((id) => id !== raisedBy && roleOf.has(id) && roleOf.get(id) !== "resident");
}

/** Folded alerts that can no longer change (resolved), kept per node so lists fold only live alerts. */
const SETTLED_CACHE_LIMIT = 5000;

export function createAlertsService(deps: AlertsDependencies) {
  const settled = new Map<string, Alert>();

  /** Every event of the alert, by key: 3 + 4 point reads for a ladder of up to four steps. */
  async function readEvents(record: AlertRecord, upToStep?: number): Promise<AlertEventRecord[]> {
    const ids = [...alertEventIds.fixed(record.id)];
    if (upToStep !== undefined) {
      // A ladder step knows its place: pages after it cannot exist yet, so no probing.
      for (let step = 0; step <= upToStep; step += 1) ids.push(alertEventIds.page(record.id, step));
      return deps.alerts.findEvents(record.circleId, ids);
    }
    for (let step = 0; step < PAGE_BATCH; step += 1) ids.push(alertEventIds.page(record.id, step));
    const events = await deps.alerts.findEvents(record.circleId, ids);
    for (let from = PAGE_BATCH; events.filter((e) => e.type === "paged").length === from; from += PAGE_BATCH) {
      const more: string[] = [];
      for (let step = from; step < from + PAGE_BATCH; step += 1) more.push(alertEventIds.page(record.id, step));
      events.push(...(await deps.alerts.findEvents(record.circleId, more)));
    }
    return events;
  }

  async function load(record: AlertRecord): Promise<Alert> {
    const cached = settled.get(record.id);
    if (cached) return cached;
    const alert = foldAlert(record, await readEvents(record));
    if (alert.status === "resolved") {
      if (settled.size >= SETTLED_CACHE_LIMIT) settled.clear();
      settled.set(record.id, alert);
    }
    return alert;
  }

  async function requireAlert(userId: string, alertId: string) {
    const record = await deps.alerts.findById(alertId);
    if (!record) throw new DomainError("not_found", "This alert does not exist.");
    const membership = await requireMembership(deps.memberships, record.circleId, userId);
    return { record, membership };
  }

  async function circleLadder(circleId: string): Promise<{ escalation: Escalation; memberships: MembershipRecord[] }> {
    const [stored, memberships] = await Promise.all([
      deps.escalations.find(circleId),
      deps.memberships.listForCircle(circleId),
    ]);
    if (stored) {
      // Someone who left the circle is skipped, not paged.
      const memberIds = new Set(memberships.map((m) => m.userId));
      return {
        escalation: { responders: stored.responders.filter((id) => memberIds.has(id)), stepSeconds: stored.stepSeconds, isDefault: false },
        memberships,
      };
    }
    return { escalation: { responders: defaultLadder(memberships), stepSeconds: STEP_SECONDS_DEFAULT, isDefault: true }, memberships };
  }

  async function ladderFor(circleId: string): Promise<Escalation> {
    return (await circleLadder(circleId)).escalation;
  }

  /** Creates the alert (once per clientId), records it, and starts the ladder. */
  async function openAlert(circleId: string, kind: AlertKind, raisedBy: string | null, clientId: string) {
    let record: AlertRecord;
    let isNew = true;
    try {
      record = await deps.alerts.insert({ circleId, kind, raisedBy, clientId, createdAt: deps.now() });
    } catch (error) {
      if (!(error instanceof DuplicateKeyError)) throw error;
      const existing = await deps.alerts.findByClientId(circleId, raisedBy, clientId);
      if (!existing) throw error;
      record = existing;
      isNew = false;
    }
    // Idempotent (the job id is deterministic), so a resend after a crash here completes the raise.
    await deps.scheduler.scheduleStep({ alertId: record.id, circleId, step: 0 }, 0);
    // A new alert has no events yet (its raise is the record itself): no reads on the ack path.
    const alert = isNew ? foldAlert(record, []) : await load(record);
    if (isNew) deps.publisher.alertUpdated(alert);
    return { alert, isNew };
  }

  return {
    ladderFor,

    async raiseAlert(userId: string, input: { circleId: string; kind: "help" | "call_me"; clientId: string }) {
      await requireMembership(deps.memberships, input.circleId, userId);
      return openAlert(input.circleId, input.kind, userId, input.clientId);
    },

    /** First claim wins (the claim event's id is unique); the ladder stops at its next step. */
    async claimAlert(userId: string, alertId: string): Promise<Alert> {
      const { record } = await requireAlert(userId, alertId);
      if (record.raisedBy === userId) {
        throw new DomainError("forbidden", "You raised this alert; someone else needs to respond to it.");
      }
      const events = await readEvents(record);
      const current = foldAlert(record, events);
      if (current.status === "claimed" || current.status === "resolved") {
        throw new DomainError("conflict", "Someone else is already on it.");
      }
      const claim: AlertEventRecord = {
        id: eventId(alertId, "claimed"),
        alertId,
        circleId: record.circleId,
        type: "claimed",
        userId,
        step: null,
        note: null,
        at: deps.now(),
      };
      if (!(await deps.alerts.insertEvent(claim))) throw new DomainError("conflict", "Someone else is already on it.");
      const alert = foldAlert(record, [...events, claim]);
      deps.publisher.alertUpdated(alert);
      return alert;
    },

    async resolveAlert(userId: string, input: { alertId: string; note?: string | undefined }): Promise<Alert> {
      const { record } = await requireAlert(userId, input.alertId);
      const isResolved = await deps.alerts.insertEvent({
        id: eventId(input.alertId, "resolved"),
        alertId: input.alertId,
        circleId: record.circleId,
        type: "resolved",
        userId,
        step: null,
        note: input.note ? input.note : null,
        at: deps.now(),
      });
      if (!isResolved) throw new DomainError("conflict", "This alert is already resolved.");
      const alert = await load(record);
      deps.publisher.alertUpdated(alert);
      return alert;
    },

    async listAlerts(userId: string, circleId: string, status?: AlertStatus): Promise<Alert[]> {
      await requireMembership(deps.memberships, circleId, userId);
      const records = await deps.alerts.listForCircle(circleId, CIRCLE_LIST_LIMIT);
      const alerts = await Promise.all(records.map(load));
      return status ? alerts.filter((a) => a.status === status) : alerts;
    },

    /**
     * Alerts across all of the user's circles, for the professionals' and coordinators' inbox: the
     * newest INBOX_PER_CIRCLE of each circle (a cost that grows with the caller's caseload, not with
     * everything ever raised), at most INBOX_LIMIT in all.
     */
    async listInbox(userId: string, status?: AlertStatus): Promise<Alert[]> {
      const circleIds = await deps.memberships.listCircleIdsForUser(userId);
      if (circleIds.length === 0) return [];
      const records = await deps.alerts.listForCircles(circleIds, INBOX_PER_CIRCLE);
      const alerts = await Promise.all(records.map(load));
      return alerts
        .filter((alert) => !status || alert.status === status)
        .sort((a, b) => inboxRank[a.status] - inboxRank[b.status] || b.createdAt.localeCompare(a.createdAt))
        .slice(0, INBOX_LIMIT);
    },

    async getEscalation(userId: string, circleId: string): Promise<Escalation> {
      await requireMembership(deps.memberships, circleId, userId);
      return ladderFor(circleId);
    },

    async setEscalation(
      userId: string,
      circleId: string,
      input: { responders: string[]; stepSeconds: number },
    ): Promise<Escalation> {
      const membership = await requireMembership(deps.memberships, circleId, userId);
      if (membership.role !== "coordinator") {
        throw new DomainError("forbidden", "Only a coordinator of this circle can change who is paged.");
      }
      if (new Set(input.responders).size !== input.responders.length) {
        throw new DomainError("validation_failed", "Each responder may appear only once in the ladder.");
      }
      const memberships = await deps.memberships.listForCircle(circleId);
      const roleOf = new Map(memberships.map((m) => [m.userId, m.role]));
      for (const responder of input.responders) {
        if (!roleOf.has(responder)) {
          throw new DomainError("validation_failed", `Responder ${responder} is not a member of this circle.`);
        }
        // The resident is who raises Help; paging them about their own emergency helps no one.
        if (roleOf.get(responder) === "resident") {
          throw new DomainError("validation_failed", `Responder ${responder} is a resident; residents are never paged.`);
        }
      }
      await deps.escalations.save({ circleId, responders: input.responders, stepSeconds: input.stepSeconds });
      return { responders: input.responders, stepSeconds: input.stepSeconds, isDefault: false };
    },

    /**
     * One ladder step (a BullMQ job). Safe to run twice: a page is an event with a deterministic id,
     * and only a newly inserted page notifies anyone.
     */
    async runEscalationStep(job: EscalationStepJob): Promise<{ outcome: "stopped" | "paged" | "unanswered" | "already_done" }> {
      const record = await deps.alerts.findById(job.alertId);
      if (!record || record.circleId !== job.circleId) return { outcome: "stopped" };
      const [events, { escalation, memberships }] = await Promise.all([readEvents(record, job.step), circleLadder(job.circleId)]);
      if (foldAlert(record, events).status !== "open") return { outcome: "stopped" };
      // Whoever raised the alert is skipped, and so the next responder is paged at once.
      const responders = pageableResponders(escalation.responders, memberships, record.raisedBy);

      if (job.step < responders.length) {
        const responder = responders[job.step] as string;
        const page: AlertEventRecord = {
          id: alertEventIds.page(record.id, job.step),
          alertId: record.id,
          circleId: record.circleId,
          type: "paged",
          userId: responder,
          step: job.step,
          note: null,
          at: deps.now(),
        };
        const isNewPage = await deps.alerts.insertEvent(page);
        // The next step is queued before anyone is paged: a worker killed right after the page
        // must not leave the ladder waiting for BullMQ's stalled-job check. Deadlines count from
        // the raise, so a late step does not push the next one back.
        const nextDeadline = record.createdAt.getTime() + (job.step + 1) * escalation.stepSeconds * 1000;
        await deps.scheduler.scheduleStep({ ...job, step: job.step + 1 }, nextDeadline - deps.now().getTime());
        if (isNewPage) {
          const alert = foldAlert(record, [...events, page]);
          await deps.page({ circleId: record.circleId, alert, recipients: [responder], kind: "alert_page" });
          deps.publisher.alertUpdated(alert);
        }
        return { outcome: isNewPage ? "paged" : "already_done" };
      }

      // The fan-out is part of the one `unanswered` insert: re-running this step pages nobody twice.
      const unanswered: AlertEventRecord = {
        id: eventId(record.id, "unanswered"),
        alertId: record.id,
        circleId: record.circleId,
        type: "unanswered",
        userId: null,
        step: null,
        note: null,
        recipients: unansweredRecipients(memberships).filter((id) => id !== record.raisedBy),
        at: deps.now(),
      };
      if (!(await deps.alerts.insertEvent(unanswered))) return { outcome: "already_done" };
      const alert = foldAlert(record, [...events, unanswered]);
      await deps.page({ circleId: record.circleId, alert, recipients: unanswered.recipients ?? [], kind: "alert_unanswered" });
      deps.publisher.alertUpdated(alert);
      return { outcome: "unanswered" };
    },

    async getCheckinSchedule(userId: string, circleId: string): Promise<CheckinSchedule> {
      await requireMembership(deps.memberships, circleId, userId);
      const stored = await deps.checkins.findSchedule(circleId);
      return stored
        ? { deadline: stored.deadline, timeZone: stored.timeZone, enabled: stored.enabled }
        : { ...CHECKIN_DEFAULT, enabled: false };
    },

    async setCheckinSchedule(userId: string, circleId: string, schedule: CheckinSchedule): Promise<CheckinSchedule> {
      const membership = await requireMembership(deps.memberships, circleId, userId);
      if (membership.role !== "coordinator") {
        throw new DomainError("forbidden", "Only a coordinator of this circle can set the daily check-in.");
      }
      await deps.checkins.saveSchedule({ circleId, ...schedule });
      return schedule;
    },

    /** "I'm OK": records today's check-in (local date) and resolves an open missed-check-in alert. */
    async checkIn(userId: string, circleId: string): Promise<Checkin> {
      await requireMembership(deps.memberships, circleId, userId);
      const schedule = (await deps.checkins.findSchedule(circleId)) ?? { ...CHECKIN_DEFAULT, circleId };
      const now = deps.now();
      const date = toLocal(now, schedule.timeZone).date;
      const stored = await deps.checkins.record({ circleId, date, at: now, by: userId });

      const records = await deps.alerts.listForCircle(circleId, 50);
      const missed = records.filter((r) => r.kind === "missed_checkin");
      if (missed.length > 0) {
        const folded = await Promise.all(missed.map(load));
        for (const [index, record] of missed.entries()) {
          if (folded[index]?.status === "resolved") continue;
          const isResolved = await deps.alerts.insertEvent({
            id: eventId(record.id, "resolved"),
            alertId: record.id,
            circleId,
            type: "resolved",
            userId,
            step: null,
            note: "Checked in",
            at: now,
          });
          if (isResolved) deps.publisher.alertUpdated(await load(record));
        }
      }
      return { circleId, date: stored.date, at: stored.at.toISOString(), by: stored.by };
    },

    /**
     * Runs at (or after) a circle's deadline: no check-in for the local date of the latest deadline
     * raises one `missed_checkin` alert for that date through the ladder.
     */
    async runCheckinDeadline(circleId: string): Promise<{ outcome: "disabled" | "checked_in" | "raised"; date?: string }> {
      const schedule = await deps.checkins.findSchedule(circleId);
      if (!schedule?.enabled) return { outcome: "disabled" };
      const { date } = latestDeadline(deps.now(), schedule.deadline, schedule.timeZone);
      if (await deps.checkins.find(circleId, date)) return { outcome: "checked_in", date };
      await openAlert(circleId, "missed_checkin", null, `missed-checkin:${date}`);
      return { outcome: "raised", date };
    },
  };
}
export type AlertsService = ReturnType<typeof createAlertsService>;
