import {
  ALERT_CANCEL_WINDOW_MS,
  type Alert,
  type AlertKind,
  type AlertStatus,
  type Escalation,
  type EscalationStepAlert,
  type EscalationStepJob,
  type NotificationKind,
  STEP_SECONDS_DEFAULT,
} from "@kring/protocol";
import { requireMembership } from "../circles/circles.service";
import { DomainError, DuplicateKeyError } from "../errors";
import { notificationText } from "../notifications/notification-texts";
import { can, requirePermission } from "../access/role-permissions";
import type { CircleRepository, MembershipRecord, MembershipRepository } from "../circles/circles.ports";
import type { PreferencesRepository, RealtimePublisher } from "../notifications/notifications.ports";
import type { UserRepository } from "../users/users.ports";
import type { AlertEventRecord, AlertRecord, AlertRepository, EscalationRecord, EscalationRepository, EscalationScheduler } from "./alerts.ports";

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
    ...(record.occurrenceId ? { occurrenceId: record.occurrenceId } : {}),
  };
}

/** `help` and a missed check-in may be an emergency; `call_me` can wait for quiet hours to end. */
export function isUrgent(kind: AlertKind): boolean {
  return kind === "help" || kind === "missed_checkin" || kind === "missed_visit";
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
  /** Only the in-app page, or only the other channels; both when absent. */
  channels?: "in_app" | "others";
};

export type AlertsDependencies = {
  alerts: AlertRepository;
  escalations: EscalationRepository;
  memberships: MembershipRepository;
  /**
   * Names: the canceller's for the note "Cancelled by <name>", and the winner of a claim race for the
   * loser ("Marie is already on it").
   */
  users: Pick<UserRepository, "findById" | "findNames">;
  scheduler: EscalationScheduler;
  publisher: RealtimePublisher;
  /** Queues the pages for the recipients (see notifications.service.ts). */
  page: (request: PageRequest) => Promise<void>;
  /**
   * Server only: pages the first responder in-app at the raise itself, beside the alert's insert
   * (see `createFirstPager`); resolves to who was paged, so the worker's step 0 does not page them
   * in-app again. Without it the worker's step 0 sends the first page.
   */
  firstPage?: (draft: AlertDraft) => Promise<FirstPage | null>;
  now: () => Date;
  /** For the coordinators' notice when a new family member joins a custom ladder (language, circle name). */
  preferences?: Pick<PreferencesRepository, "find">;
  circles?: Pick<CircleRepository, "findById">;
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
/** How far back "I'm OK" looks for open missed-check-in alerts (the circle's newest alerts). */
const MISSED_CHECKIN_LOOKBACK = 50;
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

/** Residents and volunteers are never paged, nor is whoever raised this one, nor someone who left. */
export function pageableResponders(responders: string[], memberships: MembershipRecord[], raisedBy: string | null): string[] {
  const roleOf = new Map(memberships.map((m) => [m.userId, m.role]));
  return responders.filter((id) => {
    const role = roleOf.get(id);
    return id !== raisedBy && role !== undefined && can(role, "paged");
  });
}

/** The alert record as an escalation step job carries it (it never changes). */
export function stepAlertOf(record: AlertRecord): EscalationStepAlert {
  return {
    kind: record.kind,
    raisedBy: record.raisedBy,
    clientId: record.clientId,
    createdAt: record.createdAt.toISOString(),
    ...(record.occurrenceId ? { occurrenceId: record.occurrenceId } : {}),
    ...(record.firstResponderId ? { firstResponderId: record.firstResponderId } : {}),
  };
}

/** A missed visit's assignee is paged first (if still a member who may be paged), then the ladder without them. */
export function withFirstResponder(responders: string[], memberships: MembershipRecord[], firstResponderId: string | undefined): string[] {
  if (!firstResponderId) return responders;
  const member = memberships.find((m) => m.userId === firstResponderId);
  // A volunteer who claimed the visit is never paged (issue #11): the ladder starts without them.
  if (!member || !can(member.role, "paged")) return responders;
  return [firstResponderId, ...responders.filter((id) => id !== firstResponderId)];
}

/** The deterministic clientId of the one missed-check-in alert a circle's local date can raise. */
export const missedCheckinClientId = (date: string) => `missed-checkin:${date}`;

/** The deterministic clientId of the one missed-visit alert an occurrence can raise. */
export const missedVisitClientId = (occurrenceId: string) => `missed-visit:${occurrenceId}`;

function recordOf(job: EscalationStepJob, alert: EscalationStepAlert): AlertRecord {
  return { id: job.alertId, circleId: job.circleId, ...alert, createdAt: new Date(alert.createdAt) };
}

/**
 * The events a ladder step must see, by key: a claim, a resolve, and the pages of steps 0…n (its
 * own included, so that a re-run finds it and pages nobody). Nothing else can exist before step n
 * has run: `unanswered` is written only by the step past the ladder's end, which queues no other,
 * and a re-run of that step meets it on the insert's primary key. Step 0 reads three keys, not seven.
 */
export function stepEventIds(alertId: string, step: number): string[] {
  const ids = [eventId(alertId, "claimed"), eventId(alertId, "resolved")];
  for (let page = 0; page <= step; page += 1) ids.push(alertEventIds.page(alertId, page));
  return ids;
}

/** Folded alerts that can no longer change (resolved), kept per node so lists fold only live alerts. */
const SETTLED_CACHE_LIMIT = 5000;

/** Who the server paged at the raise, and the ladder's step length (for step 1's deadline). */
export type FirstPage = { userId: string; stepSeconds: number };

/** An alert as it is about to be stored (its id follows from circle, raiser and clientId). */
export type AlertDraft = Omit<AlertRecord, "id">;

/**
 * The first page's short path (issue #7: raise → first page p99 ≤ 250 ms). The server has the
 * raise in hand and the circle's ladder, members and the responder's preferences in its caches, so
 * it emits the first responder's in-app page while the alert is being stored, instead of waiting
 * for the worker's step 0 job (a queue that 200 raises in a second fill for seconds). Only in-app:
 * the worker's step 0 stores the page, sends push/email/SMS and queues the next step, as before.
 * If the insert then fails, the raiser's client resends with the same clientId: same alert id, same
 * notification id, and clients show one notice per id.
 */
export function createFirstPager(deps: {
  idFor: (draft: AlertDraft) => string;
  /** true the first time for this alert id (across nodes): a resend of the raise pages nobody again. */
  claimOnce: (alertId: string) => Promise<boolean>;
  escalations: Pick<EscalationRepository, "find">;
  memberships: Pick<MembershipRepository, "listForCircle">;
  page: (request: PageRequest) => Promise<void>;
}): (draft: AlertDraft) => Promise<FirstPage | null> {
  return async (draft) => {
    const [stored, memberships] = await Promise.all([deps.escalations.find(draft.circleId), deps.memberships.listForCircle(draft.circleId)]);
    const first = firstResponder(stored, memberships, draft.raisedBy);
    if (first === undefined) return null;
    const alertId = deps.idFor(draft);
    if (!(await deps.claimOnce(alertId))) return null;
    const alert = foldAlert({ id: alertId, ...draft }, []);
    await deps.page({ circleId: draft.circleId, alert, recipients: [first], kind: "alert_page", channels: "in_app" });
    return { userId: first, stepSeconds: stored?.stepSeconds ?? STEP_SECONDS_DEFAULT };
  };
}

/** Who a raise by `raisedBy` pages first: the ladder's first pageable responder but the raiser. */
export function firstResponder(stored: EscalationRecord | null, memberships: MembershipRecord[], raisedBy: string | null): string | undefined {
  return pageableResponders(ladderResponders(stored, memberships), memberships, raisedBy)[0];
}

/**
 * Reads, through the given caches, what `createFirstPager` and its pager will read when `raisedBy`
 * presses Help in the circle: the ladder, the members, the circle's name and the first responder's
 * preferences. A server node calls it when a resident's tablet connects, so that the first page
 * finds them in memory (checked against their version in Redis) instead of queueing for the database.
 */
export async function warmFirstPage(
  deps: {
    escalations: Pick<EscalationRepository, "find">;
    memberships: Pick<MembershipRepository, "listForCircle">;
    circleName: (circleId: string) => Promise<unknown>;
    preferences: Pick<PreferencesRepository, "find">;
    /** The raiser, whose name the Help's line in the conversation carries (createAlertLineWriter). */
    users: Pick<UserRepository, "findById">;
  },
  circleId: string,
  raisedBy: string,
): Promise<void> {
  const [stored, memberships] = await Promise.all([
    deps.escalations.find(circleId),
    deps.memberships.listForCircle(circleId),
    deps.circleName(circleId),
    deps.users.findById(raisedBy),
  ]);
  const first = firstResponder(stored, memberships, raisedBy);
  if (first !== undefined) await deps.preferences.find(first);
}

/** The record of one ladder step's page (its id is deterministic: the first insert wins). */
function pageEvent(record: AlertRecord, userId: string, step: number, at: Date): AlertEventRecord {
  return { id: alertEventIds.page(record.id, step), alertId: record.id, circleId: record.circleId, type: "paged", userId, step, note: null, at };
}

/** The ladder's responders: the stored order without those who left, or the default order. */
function ladderResponders(stored: EscalationRecord | null, memberships: MembershipRecord[]): string[] {
  if (!stored) return defaultLadder(memberships);
  // Someone who left the circle is skipped, not paged.
  const memberIds = new Set(memberships.map((m) => m.userId));
  return stored.responders.filter((id) => memberIds.has(id));
}

export function createAlertsService(deps: AlertsDependencies) {
  const settled = new Map<string, Alert>();

  /** Every event of the alert, by key: 3 + 4 point reads for a ladder of up to four steps. */
  async function readEvents(record: AlertRecord): Promise<AlertEventRecord[]> {
    const ids = [...alertEventIds.fixed(record.id)];
    for (let step = 0; step < PAGE_BATCH; step += 1) ids.push(alertEventIds.page(record.id, step));
    const events = await deps.alerts.findEvents(record.circleId, ids);
    for (let from = PAGE_BATCH; events.filter((e) => e.type === "paged").length === from; from += PAGE_BATCH) {
      const more: string[] = [];
      for (let step = from; step < from + PAGE_BATCH; step += 1) more.push(alertEventIds.page(record.id, step));
      events.push(...(await deps.alerts.findEvents(record.circleId, more)));
    }
    return events;
  }

  /** The alert's one `resolved` event: true for the first insert, false when it is resolved already. */
  function insertResolve(alertId: string, circleId: string, userId: string, note: string | null, at: Date): Promise<boolean> {
    return deps.alerts.insertEvent({ id: eventId(alertId, "resolved"), alertId, circleId, type: "resolved", userId, step: null, note, at });
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
    requirePermission(membership.role, "alerts.read");
    return { record, membership };
  }

  async function circleLadder(circleId: string): Promise<{ escalation: Escalation; memberships: MembershipRecord[] }> {
    const [stored, memberships] = await Promise.all([
      deps.escalations.find(circleId),
      deps.memberships.listForCircle(circleId),
    ]);
    const responders = ladderResponders(stored, memberships);
    if (stored) return { escalation: { responders, stepSeconds: stored.stepSeconds, isDefault: false }, memberships };
    return { escalation: { responders, stepSeconds: STEP_SECONDS_DEFAULT, isDefault: true }, memberships };
  }

  /** The loser of a claim race learns who won (one point read of a name). */
  async function claimConflict(current: Alert): Promise<DomainError> {
    const winner = current.claimedBy;
    if (winner === null) return new DomainError("conflict", "This alert is already resolved.");
    const name = (await deps.users.findNames([winner]).catch(() => undefined))?.get(winner);
    if (name === undefined) return new DomainError("conflict", "Someone else is already on it.");
    return new DomainError("conflict", `${name} is already on it.`, { claimedBy: { userId: winner, name } });
  }

  async function ladderFor(circleId: string): Promise<Escalation> {
    return (await circleLadder(circleId)).escalation;
  }

  /** Creates the alert (once per clientId), records it, and starts the ladder. */
  async function openAlert(
    circleId: string,
    kind: AlertKind,
    raisedBy: string | null,
    clientId: string,
    extra: { occurrenceId?: string; firstResponderId?: string } = {},
  ) {
    let record: AlertRecord;
    let isNew = true;
    const draft: AlertDraft = { circleId, kind, raisedBy, clientId, createdAt: deps.now(), ...extra };
    // A person's raise: the first responder is paged in-app now, beside the insert (createFirstPager).
    // A failure there only means the worker's step 0 sends the first page, as without it.
    const firstPaged = raisedBy !== null && deps.firstPage ? deps.firstPage(draft).catch(() => null) : Promise.resolve(null);
    try {
      record = await deps.alerts.insert(draft);
    } catch (error) {
      if (!(error instanceof DuplicateKeyError)) throw error;
      const existing = await deps.alerts.findByClientId(circleId, raisedBy, clientId);
      if (!existing) throw error;
      record = existing;
      isNew = false;
    }
    // Idempotent (the job id is deterministic), so a resend after a crash here completes the raise.
    // The job carries the alert record, so the step does not read it back.
    const paged = isNew ? await firstPaged : null;
    const announcedTo = paged?.userId;
    // The page that went out at the raise is in the alert's history from the ack on (a cancel or
    // claim a moment later still shows who was paged); the worker's step 0 sends its other channels.
    const firstPage = announcedTo ? pageEvent(record, announcedTo, 0, record.createdAt) : undefined;
    if (firstPage) await deps.alerts.insertEvent(firstPage);
    await deps.scheduler.scheduleStep({ alertId: record.id, circleId, step: 0, alert: stepAlertOf(record), ...(announcedTo ? { announcedTo } : {}) }, 0);
    if (paged) {
      // Step 1 is queued now too (step 0 queues it again under the same job id): the ladder goes
      // on even if the worker dies while running step 0, whose page has gone out already.
      const deadline = record.createdAt.getTime() + paged.stepSeconds * 1000;
      await deps.scheduler.scheduleStep({ alertId: record.id, circleId, step: 1, alert: stepAlertOf(record) }, deadline - deps.now().getTime());
    }
    // A new alert has no events but its first page: no reads on the ack path.
    const alert = isNew ? foldAlert(record, firstPage ? [firstPage] : []) : await load(record);
    if (isNew) deps.publisher.alertUpdated(alert);
    return { alert, isNew };
  }

  return {
    ladderFor,

    async raiseAlert(userId: string, input: { circleId: string; kind: "help" | "call_me"; clientId: string }) {
      requirePermission((await requireMembership(deps.memberships, input.circleId, userId)).role, "alerts.raise");
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
        throw await claimConflict(current);
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
      if (!(await deps.alerts.insertEvent(claim))) throw await claimConflict(await load(record));
      const alert = foldAlert(record, [...events, claim]);
      deps.publisher.alertUpdated(alert);
      return alert;
    },

    async resolveAlert(userId: string, input: { alertId: string; note?: string | undefined }): Promise<Alert> {
      const { record } = await requireAlert(userId, input.alertId);
      const isResolved = await insertResolve(input.alertId, record.circleId, userId, input.note ? input.note : null, deps.now());
      if (!isResolved) throw new DomainError("conflict", "This alert is already resolved.");
      const alert = await load(record);
      deps.publisher.alertUpdated(alert);
      return alert;
    },

    /**
     * "I pressed by mistake": the raiser resolves their own alert within ALERT_CANCEL_WINDOW_MS of
     * the raise. The resolve is the same first-insert-wins event as a responder's, so the ladder's
     * next step finds the alert resolved and pages nobody, and pending deliveries are dropped.
     */
    async cancelAlert(userId: string, alertId: string): Promise<Alert> {
      const { record } = await requireAlert(userId, alertId);
      if (record.raisedBy !== userId) {
        throw new DomainError("forbidden", "Only the person who raised this alert can cancel it.");
      }
      const now = deps.now();
      if (now.getTime() - record.createdAt.getTime() > ALERT_CANCEL_WINDOW_MS) {
        throw new DomainError("forbidden", "This alert can no longer be cancelled; a responder can resolve it.");
      }
      const user = await deps.users.findById(userId);
      const isResolved = await insertResolve(alertId, record.circleId, userId, `Cancelled by ${user?.name ?? "the person who raised it"}`, now);
      if (!isResolved) throw new DomainError("conflict", "This alert is already resolved.");
      const alert = await load(record);
      deps.publisher.alertUpdated(alert);
      return alert;
    },

    async listAlerts(userId: string, circleId: string, status?: AlertStatus): Promise<Alert[]> {
      requirePermission((await requireMembership(deps.memberships, circleId, userId)).role, "alerts.read");
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
      // Only the circles whose alerts the caller's role may read (never a volunteer's, issue #11).
      const circleIds = (await deps.memberships.listForUser(userId)).filter((m) => can(m.role, "alerts.read")).map((m) => m.circleId);
      if (circleIds.length === 0) return [];
      const records = await deps.alerts.listForCircles(circleIds, INBOX_PER_CIRCLE);
      const alerts = await Promise.all(records.map(load));
      return alerts
        .filter((alert) => !status || alert.status === status)
        .sort((a, b) => inboxRank[a.status] - inboxRank[b.status] || b.createdAt.localeCompare(a.createdAt))
        .slice(0, INBOX_LIMIT);
    },

    /** Forgets this node's folded copy of a settled alert (erasure rewrote one of its notes). */
    forgetSettled(alertId: string): void {
      settled.delete(alertId);
    },

    async getEscalation(userId: string, circleId: string): Promise<Escalation> {
      requirePermission((await requireMembership(deps.memberships, circleId, userId)).role, "ladder.read");
      return ladderFor(circleId);
    },

    /**
     * A family member who joins a circle with a custom ladder goes to its end (a default ladder
     * already takes everyone), and the coordinators are told in-app so the order stays theirs.
     */
    async addNewMemberToLadder(membership: MembershipRecord): Promise<boolean> {
      if (membership.role !== "family") return false;
      const stored = await deps.escalations.find(membership.circleId);
      if (!stored || stored.responders.includes(membership.userId)) return false;
      await deps.escalations.save({ ...stored, responders: [...stored.responders, membership.userId] });
      const [memberships, circle] = await Promise.all([
        deps.memberships.listForCircle(membership.circleId),
        deps.circles?.findById(membership.circleId) ?? null,
      ]);
      const at = deps.now();
      for (const coordinator of memberships.filter((m) => m.role === "coordinator")) {
        const language = (await deps.preferences?.find(coordinator.userId))?.language ?? "nl";
        deps.publisher.notify(coordinator.userId, {
          id: `ladder:${membership.circleId}:${membership.userId}:${coordinator.userId}`,
          kind: "ladder_member_added",
          circleId: membership.circleId,
          alertId: null,
          text: notificationText("ladder_member_added", circle?.name ?? "", language),
          urgent: false,
          at: at.toISOString(),
        });
      }
      return true;
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
        const role = roleOf.get(responder);
        if (role !== undefined && !can(role, "paged")) {
          throw new DomainError("validation_failed", `Responder ${responder} is a volunteer; volunteers are never paged.`);
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
      const record = job.alert ? recordOf(job, job.alert) : await deps.alerts.findById(job.alertId);
      if (!record || record.circleId !== job.circleId) return { outcome: "stopped" };
      const [events, { escalation, memberships }] = await Promise.all([
        deps.alerts.findEvents(record.circleId, stepEventIds(record.id, job.step)),
        circleLadder(job.circleId),
      ]);
      // Step 0 of a person's raise: the server paged this responder in-app at the raise already.
      const announcedTo = job.step === 0 ? job.announcedTo : undefined;
      if (foldAlert(record, events).status !== "open") {
        // Claimed or cancelled before this step ran: the page that went out at the raise still
        // belongs in the alert's history (nothing else is sent).
        if (announcedTo) await deps.alerts.insertEvent(pageEvent(record, announcedTo, 0, record.createdAt));
        return { outcome: "stopped" };
      }
      // Whoever raised the alert is skipped, and so the next responder is paged at once.
      const responders = withFirstResponder(
        pageableResponders(escalation.responders, memberships, record.raisedBy),
        memberships,
        record.firstResponderId,
      );

      if (job.step < responders.length) {
        const responder = responders[job.step] as string;
        // Deadlines count from the raise, so a late step does not push the next one back.
        const nextDeadline = record.createdAt.getTime() + (job.step + 1) * escalation.stepSeconds * 1000;
        const scheduleNext = () =>
          deps.scheduler.scheduleStep(
            { alertId: job.alertId, circleId: job.circleId, step: job.step + 1, alert: stepAlertOf(record) },
            nextDeadline - deps.now().getTime(),
          );
        const pageId = alertEventIds.page(record.id, job.step);
        const isAnnounced = announcedTo === responder;
        if (events.some((e) => e.id === pageId)) {
          // A re-run (the worker died before completing the job), or a first page the server sent
          // and stored at the raise: nobody is paged in-app again, but the next step may not have
          // been queued yet, and an announced page's other channels are this step's to send (their
          // job ids are deterministic, so a re-run queues none twice).
          await scheduleNext();
          if (!isAnnounced) return { outcome: "already_done" };
          await deps.page({ circleId: record.circleId, alert: foldAlert(record, events), recipients: [responder], kind: "alert_page", channels: "others" });
          return { outcome: "paged" };
        }
        // An announced page went out at the raise; its record says so.
        const page = pageEvent(record, responder, job.step, isAnnounced ? record.createdAt : deps.now());
        const alert = foldAlert(record, [...events, page]);
        // The next step is queued before anyone is paged: a worker killed right after the page must
        // not leave the ladder waiting for BullMQ's stalled-job check (30 s). Then the in-app page,
        // before any database write: it is what the responder is waiting for. The page's insert
        // comes last; only a worker that dies between the emit and the insert repeats the in-app
        // page when the job runs again, and the client keeps one notice per notification id
        // (`alertId:recipientId`), so the responder sees it once.
        const request: PageRequest = { circleId: record.circleId, alert, recipients: [responder], kind: "alert_page" };
        await scheduleNext();
        // The server paged this responder in-app at the raise already (createFirstPager).
        if (!isAnnounced) await deps.page({ ...request, channels: "in_app" });
        const isNewPage = await deps.alerts.insertEvent(page);
        if (isNewPage) {
          // Push, email, SMS: once, by the step whose insert won.
          await deps.page({ ...request, channels: "others" });
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

    /**
     * The daily check-in's deadline passed without "I'm OK" (checkin.service.ts): one alert per
     * local date (deterministic clientId), raised by nobody, through the ladder.
     */
    async raiseMissedCheckin(input: { circleId: string; date: string }): Promise<{ alert: Alert; isNew: boolean }> {
      return openAlert(input.circleId, "missed_checkin", null, missedCheckinClientId(input.date));
    },

    /**
     * "I'm OK" (checkin.service.ts) resolves every open missed-check-in alert among the circle's
     * newest: each resolve is the first-insert-wins event, so a concurrent responder's stands.
     */
    async resolveMissedCheckins(input: { circleId: string; userId: string; at: Date }): Promise<void> {
      const records = await deps.alerts.listForCircle(input.circleId, MISSED_CHECKIN_LOOKBACK);
      const missed = records.filter((r) => r.kind === "missed_checkin");
      if (missed.length === 0) return;
      const folded = await Promise.all(missed.map(load));
      for (const [index, record] of missed.entries()) {
        if (folded[index]?.status === "resolved") continue;
        const isResolved = await insertResolve(record.id, input.circleId, input.userId, "Checked in", input.at);
        if (isResolved) deps.publisher.alertUpdated(await load(record));
      }
    },

    /**
     * Issue #10 item 4: nobody checked in at an occurrence `lateAfterMinutes` after its start. One
     * alert per occurrence (deterministic clientId), urgent, its assignee paged first, then the ladder.
     */
    async raiseMissedVisit(input: { circleId: string; occurrenceId: string; assigneeId: string | null }): Promise<{ alert: Alert; isNew: boolean }> {
      return openAlert(input.circleId, "missed_visit", null, missedVisitClientId(input.occurrenceId), {
        occurrenceId: input.occurrenceId,
        ...(input.assigneeId ? { firstResponderId: input.assigneeId } : {}),
      });
    },

    /**
     * A late check-in (or completion, or a cancel) resolves the occurrence's missed-visit alert, if
     * one was raised: one point read of the derived alert id, then the first-insert-wins resolve.
     */
    async resolveMissedVisit(input: { circleId: string; occurrenceId: string; userId: string; note: string }): Promise<Alert | null> {
      const record = await deps.alerts.findByClientId(input.circleId, null, missedVisitClientId(input.occurrenceId));
      if (!record || record.kind !== "missed_visit") return null;
      const isResolved = await insertResolve(record.id, input.circleId, input.userId, input.note, deps.now());
      if (!isResolved) return null;
      const alert = await load(record);
      deps.publisher.alertUpdated(alert);
      return alert;
    },
  };
}
export type AlertsService = ReturnType<typeof createAlertsService>;
