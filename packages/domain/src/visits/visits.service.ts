import {
  CHECKIN_DEFAULT,
  LATE_AFTER_MINUTES_DEFAULT,
  REMINDER_MINUTES_DEFAULT,
  formatRecurrenceRule,
  type Occurrence,
  type OccurrenceAction,
  type OccurrenceActionBody,
  type OccurrenceStatus,
  type Plan,
  type PlanCreateBody,
  type PlanUpdateBody,
} from "@kring/protocol";
import { can, requirePermission } from "../access/role-permissions";
import { requireMembership } from "../circles/circles.service";
import { DomainError } from "../errors";
import { toLocal } from "../local-time";
import type { CheckinRepository } from "../checkin/checkin.ports";
import type { MembershipRecord, MembershipRepository } from "../circles/circles.ports";
import {
  addDaysToDate,
  countOccurrencesBefore,
  expandOccurrences,
  formatWithOffset,
  hasOccurrenceAt,
  lastOccurrenceDate,
  ruleOf,
  type NominalOccurrence,
} from "./recurrence";
import {
  noVisitScheduling,
  type OccurrenceEventRecord,
  type OccurrenceEventRepository,
  type OccurrenceEventType,
  type PlanRecord,
  type PlanRepository,
  type VisitScheduling,
  type VisitsPublisher,
} from "./visits.ports";

export type VisitsDependencies = {
  memberships: MembershipRepository;
  plans: PlanRepository;
  occurrenceEvents: OccurrenceEventRepository;
  /** For the default time zone of a plan: the circle's check-in time zone. */
  checkins: Pick<CheckinRepository, "findSchedule">;
  visitsPublisher: VisitsPublisher;
  scheduling?: VisitScheduling;
  now: () => Date;
};

export function toPlan(record: PlanRecord): Plan {
  return {
    id: record.id,
    circleId: record.circleId,
    kind: record.kind,
    title: record.title,
    notes: record.notes,
    start: record.start,
    durationMinutes: record.durationMinutes,
    timeZone: record.timeZone,
    recurrence: record.recurrence,
    assigneeId: record.assigneeId,
    reminderMinutes: record.reminderMinutes,
    alertIfMissed: record.alertIfMissed,
    lateAfterMinutes: record.lateAfterMinutes,
    createdBy: record.createdBy,
    createdAt: record.createdAt.toISOString(),
    previousPlanId: record.previousPlanId,
  };
}

/** How far ahead a departing member's claims are released (this month and the next twelve). */
export const MEMBER_RELEASE_MONTHS = 13;
const addMonths = (month: string, n: number) => {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
};

export const occurrenceIdOf = (planId: string, nominal: string) => `${planId}:${nominal}`;
/** The assignment chain's n-th event id; the other events have one id each. */
export const assignmentEventId = (occurrenceId: string, n: number) => `${occurrenceId}:a:${n}`;
export const singleEventId = (occurrenceId: string, type: Exclude<OccurrenceEventType, "claim" | "release">) => `${occurrenceId}:${type}`;

type OccurrenceState = {
  assigneeId: string | null;
  /** The number of claim/release events: the next one's n. */
  chainLength: number;
  cancelled: OccurrenceEventRecord | null;
  checkIn: OccurrenceEventRecord | null;
  checkOut: OccurrenceEventRecord | null;
  complete: OccurrenceEventRecord | null;
};

function foldState(plan: PlanRecord, events: OccurrenceEventRecord[]): OccurrenceState {
  const chain = events
    .filter((event) => event.type === "claim" || event.type === "release")
    .map((event) => ({ event, n: Number(event.id.slice(event.id.lastIndexOf(":") + 1)) }))
    .sort((a, b) => a.n - b.n);
  let assigneeId = plan.assigneeId;
  for (const { event } of chain) assigneeId = event.type === "claim" ? event.userId : null;
  const find = (type: OccurrenceEventType) => events.find((event) => event.type === type) ?? null;
  return {
    assigneeId,
    chainLength: chain.length,
    cancelled: find("cancel"),
    checkIn: find("check-in"),
    checkOut: find("check-out"),
    complete: find("complete"),
  };
}

/**
 * An occurrence as the API shows it. "missed": nobody checked in (a visit) or completed it (a task)
 * by `lateAfterMinutes` after its start.
 */
export function foldOccurrence(plan: PlanRecord, nominal: NominalOccurrence, events: OccurrenceEventRecord[], now: Date): Occurrence {
  const state = foldState(plan, events);
  const end = new Date(nominal.start.getTime() + (plan.durationMinutes ?? 0) * 60_000);
  const late = now.getTime() > nominal.start.getTime() + plan.lateAfterMinutes * 60_000;
  let status: OccurrenceStatus;
  if (state.cancelled) status = "cancelled";
  else if (state.checkOut || state.complete) status = "done";
  else if (state.checkIn) status = "in_progress";
  else if (late) status = "missed";
  else status = state.assigneeId === null ? "open" : "planned";
  const notes = [state.checkIn, state.checkOut, state.complete]
    .filter((event): event is OccurrenceEventRecord => event !== null && event.note !== null)
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  return {
    id: occurrenceIdOf(plan.id, nominal.nominal),
    planId: plan.id,
    circleId: plan.circleId,
    kind: plan.kind,
    title: plan.title,
    start: formatWithOffset(nominal.start, plan.timeZone),
    end: formatWithOffset(end, plan.timeZone),
    timeZone: plan.timeZone,
    dstShifted: nominal.dstShifted,
    assigneeId: state.assigneeId,
    status,
    checkedInAt: state.checkIn?.at.toISOString() ?? null,
    checkedOutAt: (state.checkOut ?? state.complete)?.at.toISOString() ?? null,
    note: notes.at(-1)?.note ?? null,
  };
}

/**
 * What a role sees of visits (issue #11): without `visits.read_all` (a volunteer) only the plans
 * and occurrences that are open or their own, and never a note.
 */
type Viewer = Pick<MembershipRecord, "userId" | "role">;
export const seesOccurrence = (member: Viewer, occurrence: Occurrence) =>
  can(member.role, "visits.read_all") || occurrence.status === "open" || occurrence.assigneeId === member.userId;
export const occurrenceFor = (member: Viewer, occurrence: Occurrence): Occurrence =>
  can(member.role, "visits.read_all") ? occurrence : { ...occurrence, note: null };
export const seesPlan = (member: Viewer, plan: Pick<Plan, "assigneeId">) =>
  can(member.role, "visits.read_all") || plan.assigneeId === null || plan.assigneeId === member.userId;
export const planFor = (member: Viewer, plan: Plan): Plan => (can(member.role, "visits.read_all") ? plan : { ...plan, notes: null });
const visibleTo = (member: Viewer, occurrences: Occurrence[]) =>
  occurrences.filter((occurrence) => seesOccurrence(member, occurrence)).map((occurrence) => occurrenceFor(member, occurrence));

const canEditPlan = (member: MembershipRecord, plan: PlanRecord) => member.role === "coordinator" || plan.createdBy === member.userId;

function splitOccurrenceId(occurrenceId: string): { planId: string; nominal: string } {
  return { planId: occurrenceId.slice(0, 24), nominal: occurrenceId.slice(25) };
}

export function createVisitsService(deps: VisitsDependencies) {
  const scheduling = deps.scheduling ?? noVisitScheduling;
  const notFoundPlan = () => new DomainError("not_found", "This plan does not exist.");
  const notFoundOccurrence = () => new DomainError("not_found", "This occurrence does not exist.");

  /** A live plan the caller is a member of; a stranger learns nothing (404 like an unknown id). */
  async function requirePlan(callerId: string, planId: string): Promise<{ plan: PlanRecord; member: MembershipRecord }> {
    const plan = await deps.plans.findById(planId);
    if (!plan || plan.deletedAt !== null) throw notFoundPlan();
    const member = await deps.memberships.find(plan.circleId, callerId);
    if (!member) throw notFoundPlan();
    return { plan, member };
  }

  async function requireAssignable(circleId: string, assigneeId: string | null | undefined): Promise<MembershipRecord | null> {
    if (assigneeId === null || assigneeId === undefined) return null;
    const assignee = await deps.memberships.find(circleId, assigneeId);
    if (!assignee || assignee.role === "resident") {
      throw new DomainError("validation_failed", "Invalid input (assigneeId: must be a member of this circle who is not the resident).");
    }
    return assignee;
  }

  async function announcePlan(plan: PlanRecord, deleted: boolean) {
    const publicPlan = toPlan(plan);
    deps.visitsPublisher.planUpdated(deleted ? { plan: publicPlan, deleted: true } : { plan: publicPlan });
    await scheduling.planChanged(publicPlan, { deleted });
  }

  async function occurrencesOfPlan(plan: PlanRecord, from: string, to: string, now: Date): Promise<Occurrence[]> {
    const nominals = expandOccurrences(plan, from, to);
    if (nominals.length === 0) return [];
    const months = [...new Set(nominals.map((nominal) => nominal.date.slice(0, 7)))];
    const touched = new Set((await Promise.all(months.map((month) => deps.occurrenceEvents.listTouched(plan.circleId, plan.id, month)))).flat());
    return Promise.all(
      nominals.map(async (nominal) => {
        const id = occurrenceIdOf(plan.id, nominal.nominal);
        const events = touched.has(id) ? await deps.occurrenceEvents.findForOccurrence(plan.circleId, id) : [];
        return foldOccurrence(plan, nominal, events, now);
      }),
    );
  }

  async function occurrencesOfCircle(circleId: string, from: string, to: string): Promise<Occurrence[]> {
    const now = deps.now();
    // The circle's current plans only: one-offs and ended series of past years cost nothing here.
    const plans = await deps.plans.listCurrent(circleId, from);
    return (await Promise.all(plans.map((plan) => occurrencesOfPlan(plan, from, to, now)))).flat();
  }

  const byStart = (a: Occurrence, b: Occurrence) => Date.parse(a.start) - Date.parse(b.start) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

  /** An occurrence and its plan, without a membership check (for the worker's jobs, and internally). */
  async function readOccurrence(occurrenceId: string): Promise<{ plan: PlanRecord; occurrence: Occurrence; state: OccurrenceState } | null> {
    const { planId, nominal } = splitOccurrenceId(occurrenceId);
    const plan = await deps.plans.findById(planId);
    if (!plan || plan.deletedAt !== null) return null;
    const found = hasOccurrenceAt(plan, nominal);
    if (!found) return null;
    const events = await deps.occurrenceEvents.findForOccurrence(plan.circleId, occurrenceId);
    return { plan, occurrence: foldOccurrence(plan, found, events, deps.now()), state: foldState(plan, events) };
  }

  /** The first occurrence on or after `date` (looking up to ten years ahead), or null. */
  function firstOccurrenceFrom(plan: PlanRecord, date: string): NominalOccurrence | null {
    for (const days of [62, 400, 3660]) {
      const found = expandOccurrences(plan, date, addDaysToDate(date, days))[0];
      if (found) return found;
    }
    return null;
  }

  /** A plan's change from `fromDate` on (see `updatePlan`), once the caller may make it. */
  async function changePlan(plan: PlanRecord, body: PlanUpdateBody): Promise<{ plan: Plan; endedPlan?: Plan }> {
    const { fromDate: requestedFrom, ...changes } = body;
    const fromDate = requestedFrom ?? toLocal(deps.now(), plan.timeZone).date;
    if (changes.start !== undefined && changes.start.slice(0, 10) < fromDate) {
      throw new DomainError("validation_failed", "Invalid input (start: must be on or after fromDate).");
    }
    const assignee = changes.assigneeId === undefined ? undefined : await requireAssignable(plan.circleId, changes.assigneeId);
    const changed: PlanRecord = {
      ...plan,
      ...(changes.title === undefined ? {} : { title: changes.title }),
      ...(changes.notes === undefined ? {} : { notes: changes.notes === "" ? null : changes.notes }),
      ...(changes.start === undefined ? {} : { start: changes.start }),
      ...(changes.durationMinutes === undefined ? {} : { durationMinutes: changes.durationMinutes }),
      ...(changes.timeZone === undefined ? {} : { timeZone: changes.timeZone }),
      ...(changes.recurrence === undefined ? {} : { recurrence: changes.recurrence }),
      ...(assignee === undefined ? {} : { assigneeId: assignee?.userId ?? null }),
      ...(changes.reminderMinutes === undefined ? {} : { reminderMinutes: changes.reminderMinutes }),
      ...(changes.alertIfMissed === undefined ? {} : { alertIfMissed: changes.alertIfMissed }),
      ...(changes.lateAfterMinutes === undefined ? {} : { lateAfterMinutes: changes.lateAfterMinutes }),
    };
    if (changed.kind === "visit" && changed.durationMinutes === null) {
      throw new DomainError("validation_failed", "Invalid input (durationMinutes: a visit needs a duration of 5–720 minutes).");
    }
    const rule = ruleOf(plan.recurrence);
    const first = rule !== null && plan.start.slice(0, 10) < fromDate ? firstOccurrenceFrom(plan, fromDate) : null;
    const splits = first !== null && countOccurrencesBefore(plan, fromDate) > 0;
    if (!splits || rule === null || first === null) {
      await deps.plans.save(changed, lastOccurrenceDate(changed));
      await announcePlan(changed, false);
      return { plan: toPlan(changed) };
    }
    // The continuation keeps the series' rhythm by starting on its first occurrence from fromDate;
    // a COUNT goes on counting (what was used before fromDate is subtracted).
    const before = countOccurrencesBefore(plan, fromDate);
    const continuedRule = rule.count === null ? plan.recurrence : formatRecurrenceRule({ ...rule, count: rule.count - before });
    const ended: PlanRecord = {
      ...plan,
      recurrence: formatRecurrenceRule({ ...rule, count: null, until: { date: addDaysToDate(fromDate, -1) } }),
    };
    const continuationInput = {
      ...changed,
      start: changes.start ?? first.nominal,
      recurrence: changes.recurrence === undefined ? continuedRule : changes.recurrence,
      createdAt: deps.now(),
      previousPlanId: plan.id,
    };
    const continuation = await deps.plans.create(continuationInput, lastOccurrenceDate(continuationInput));
    await deps.plans.save(ended, lastOccurrenceDate(ended));
    await announcePlan(ended, false);
    await announcePlan(continuation, false);
    return { plan: toPlan(continuation), endedPlan: toPlan(ended) };
  }

  /** Puts one occurrence back to open when `userId` holds it and it has not started; retries a lost race. */
  async function releaseIfTheirs(occurrenceId: string, userId: string, now: Date): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const read = await readOccurrence(occurrenceId);
      if (!read) return;
      const { plan, occurrence, state } = read;
      if (state.assigneeId !== userId || state.cancelled || state.checkIn || state.complete || Date.parse(occurrence.start) <= now.getTime()) return;
      const release: OccurrenceEventRecord = {
        id: assignmentEventId(occurrenceId, state.chainLength),
        occurrenceId,
        planId: plan.id,
        circleId: plan.circleId,
        type: "release",
        userId,
        note: null,
        at: now,
      };
      if (await deps.occurrenceEvents.insert(release)) {
        const updated = (await readOccurrence(occurrenceId))?.occurrence ?? occurrence;
        deps.visitsPublisher.occurrenceUpdated(updated);
        await scheduling.occurrenceChanged(updated);
        return;
      }
    }
  }

  return {
    async createPlan(callerId: string, circleId: string, body: PlanCreateBody): Promise<Plan> {
      const member = await requireMembership(deps.memberships, circleId, callerId);
      if (member.role === "resident") throw new DomainError("forbidden", "The resident's account cannot plan visits.");
      requirePermission(member.role, "visits.plan");
      const assignee = await requireAssignable(circleId, body.assigneeId);
      const timeZone = body.timeZone ?? (await deps.checkins.findSchedule(circleId))?.timeZone ?? CHECKIN_DEFAULT.timeZone;
      const input: Omit<PlanRecord, "id"> = {
        circleId,
        kind: body.kind,
        title: body.title,
        notes: body.notes === undefined || body.notes === "" ? null : body.notes,
        start: body.start,
        durationMinutes: body.durationMinutes ?? null,
        timeZone,
        recurrence: body.recurrence ?? null,
        assigneeId: assignee?.userId ?? null,
        reminderMinutes: body.reminderMinutes ?? REMINDER_MINUTES_DEFAULT,
        alertIfMissed: body.alertIfMissed ?? assignee?.role === "professional",
        lateAfterMinutes: body.lateAfterMinutes ?? LATE_AFTER_MINUTES_DEFAULT,
        createdBy: callerId,
        createdAt: deps.now(),
        previousPlanId: null,
        deletedAt: null,
      };
      const plan = await deps.plans.create(input, lastOccurrenceDate(input));
      await announcePlan(plan, false);
      return toPlan(plan);
    },

    /** The circle's live plans (for the edit form), oldest first. */
    async listPlans(callerId: string, circleId: string): Promise<Plan[]> {
      const member = await requireMembership(deps.memberships, circleId, callerId);
      requirePermission(member.role, "visits.read_open");
      return (await deps.plans.listForCircle(circleId))
        .filter((plan) => plan.deletedAt === null && seesPlan(member, plan))
        .map((plan) => planFor(member, toPlan(plan)));
    },

    /**
     * Changes a plan from `fromDate` on (default: today in the plan's zone). A recurring plan with
     * occurrences before that date is split: the stored plan ends the day before (UNTIL), and a new
     * plan (`previousPlanId`) continues from its first occurrence on or after `fromDate` with the
     * changes; a plan that starts on or after `fromDate`, or a one-off, changes in place.
     */
    async updatePlan(callerId: string, planId: string, body: PlanUpdateBody): Promise<{ plan: Plan; endedPlan?: Plan }> {
      const { plan, member } = await requirePlan(callerId, planId);
      if (!canEditPlan(member, plan)) throw new DomainError("forbidden", "Only a coordinator or the person who made this plan can change it.");
      return changePlan(plan, body);
    },

    /**
     * Issue #11 meets #10: a member who left, was removed or erased their account no longer takes
     * visits. Their claimed occurrences that have not started go back to open (`occurrence:update`
     * to the circle, the reminder dropped by the scheduling hook), and a plan assigned to them is
     * open from today on (the series splits, so past occurrences keep who came). Keyed reads only:
     * the circle's current plans (a circle has few), then per plan the touched-occurrence lists of
     * this month and the next twelve (`<planId>:<YYYY-MM>`) and the events of the listed ones.
     * A claim further ahead than that stays, and shows as taken by "a former member" until edited.
     */
    async releaseMemberClaims(circleId: string, userId: string): Promise<void> {
      const now = deps.now();
      // A plan whose last date is before yesterday (UTC; no zone is a day ahead) has nothing to come.
      const plans = await deps.plans.listCurrent(circleId, addDaysToDate(now.toISOString().slice(0, 10), -1));
      for (const plan of plans) {
        const firstMonth = toLocal(now, plan.timeZone).date.slice(0, 7);
        const months = Array.from({ length: MEMBER_RELEASE_MONTHS }, (_, n) => addMonths(firstMonth, n));
        const touched = new Set((await Promise.all(months.map((month) => deps.occurrenceEvents.listTouched(circleId, plan.id, month)))).flat());
        for (const occurrenceId of touched) await releaseIfTheirs(occurrenceId, userId, now);
      }
      // Plans assigned to them as a whole (re-read: a release above never changes a plan).
      for (const plan of plans) {
        const current = await deps.plans.findById(plan.id);
        if (!current || current.deletedAt !== null || current.assigneeId !== userId) continue;
        // A one-off that is over keeps who it was for (the circle's record); anything still to come opens.
        if (ruleOf(current.recurrence) === null && current.start.slice(0, 10) < toLocal(now, current.timeZone).date) continue;
        await changePlan(current, { assigneeId: null });
      }
    },

    /** Answers the plan's circle (for the access log's "who changed what"). */
    async deletePlan(callerId: string, planId: string): Promise<{ circleId: string }> {
      const { plan, member } = await requirePlan(callerId, planId);
      if (!canEditPlan(member, plan)) throw new DomainError("forbidden", "Only a coordinator or the person who made this plan can delete it.");
      const deleted: PlanRecord = { ...plan, deletedAt: deps.now() };
      await deps.plans.save(deleted, null);
      await announcePlan(deleted, true);
      return { circleId: plan.circleId };
    },

    /** Occurrences whose local start date (in their plan's zone) is in [from, to], ascending by start. */
    async listOccurrences(callerId: string, circleId: string, from: string, to: string): Promise<Occurrence[]> {
      const member = await requireMembership(deps.memberships, circleId, callerId);
      requirePermission(member.role, "visits.read_open");
      return visibleTo(member, await occurrencesOfCircle(circleId, from, to)).sort(byStart);
    },

    /** The same across every circle of the caller. */
    async listMyOccurrences(callerId: string, from: string, to: string): Promise<Occurrence[]> {
      const circleIds = await deps.memberships.listCircleIdsForUser(callerId);
      const perCircle = await Promise.all(
        circleIds.map(async (circleId) => {
          // The role decides what is shown (a volunteer: open or own, no notes); cached point reads.
          const member = await deps.memberships.find(circleId, callerId);
          return member ? visibleTo(member, await occurrencesOfCircle(circleId, from, to)) : [];
        }),
      );
      return perCircle.flat().sort(byStart);
    },

    /** One occurrence (a notification's link); a stranger's answer is the same as for an unknown id. */
    async getOccurrence(callerId: string, occurrenceId: string): Promise<Occurrence> {
      const read = await readOccurrence(occurrenceId);
      const member = read ? await deps.memberships.find(read.plan.circleId, callerId) : null;
      if (!read || !member || !seesOccurrence(member, read.occurrence)) throw notFoundOccurrence();
      return occurrenceFor(member, read.occurrence);
    },

    /** An occurrence and its plan by id, without a membership check: for the worker's jobs (reminders, missed visits). */
    async findOccurrence(occurrenceId: string): Promise<{ plan: Plan; occurrence: Occurrence } | null> {
      const read = await readOccurrence(occurrenceId);
      return read ? { plan: toPlan(read.plan), occurrence: read.occurrence } : null;
    },

    /** claim | release | cancel | check-in | check-out | complete, by a member of the plan's circle. */
    async act(callerId: string, occurrenceId: string, action: OccurrenceAction, body: OccurrenceActionBody): Promise<Occurrence> {
      const note = body.note === undefined || body.note === "" ? null : body.note;
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const read = await readOccurrence(occurrenceId);
        if (!read) throw notFoundOccurrence();
        const { plan, occurrence, state } = read;
        const member = await deps.memberships.find(plan.circleId, callerId);
        if (!member) throw notFoundOccurrence();
        if (member.role === "resident") throw new DomainError("forbidden", "The resident's account cannot change visits.");
        requirePermission(member.role, "visits.claim");
        // A volunteer acts only on what they may see: someone else's occurrence is not found.
        if (!seesOccurrence(member, occurrence)) throw notFoundOccurrence();
        const event = (type: OccurrenceEventType, id: string): OccurrenceEventRecord => ({
          id,
          occurrenceId,
          planId: plan.id,
          circleId: plan.circleId,
          type,
          userId: callerId,
          note,
          at: deps.now(),
        });
        let toInsert: OccurrenceEventRecord | null = null;
        switch (action) {
          case "claim":
            if (state.cancelled) throw new DomainError("conflict", "This occurrence was cancelled.");
            if (state.assigneeId === callerId) return occurrenceFor(member, occurrence);
            if (state.assigneeId !== null) throw new DomainError("conflict", "Someone else already takes this one.");
            toInsert = event("claim", assignmentEventId(occurrenceId, state.chainLength));
            break;
          case "release":
            if (state.assigneeId === null) return occurrenceFor(member, occurrence);
            if (state.assigneeId !== callerId && member.role !== "coordinator") {
              throw new DomainError("forbidden", "Only the person who takes this occurrence, or a coordinator, can release it.");
            }
            if (state.checkIn) throw new DomainError("conflict", "This visit has started; it can no longer be released.");
            toInsert = event("release", assignmentEventId(occurrenceId, state.chainLength));
            break;
          case "cancel":
            if (!canEditPlan(member, plan)) throw new DomainError("forbidden", "Only a coordinator or the person who made this plan can cancel it.");
            if (state.cancelled) return occurrenceFor(member, occurrence);
            toInsert = event("cancel", singleEventId(occurrenceId, "cancel"));
            break;
          case "check-in":
          case "check-out":
          case "complete": {
            if (action === "complete" ? plan.kind !== "task" : plan.kind !== "visit") {
              throw new DomainError(
                "validation_failed",
                plan.kind === "task" ? "A task is completed, not checked in or out." : "A visit is checked in and out, not completed.",
              );
            }
            if (state.assigneeId !== callerId) throw new DomainError("forbidden", "Only the person who takes this occurrence can do this.");
            if (state.cancelled) throw new DomainError("conflict", "This occurrence was cancelled.");
            const existing = action === "check-in" ? state.checkIn : action === "check-out" ? state.checkOut : state.complete;
            if (existing) return occurrenceFor(member, occurrence);
            if (action === "check-out" && !state.checkIn) throw new DomainError("conflict", "Check in before checking out.");
            toInsert = event(action, singleEventId(occurrenceId, action));
            break;
          }
        }
        const hasEvents = state.chainLength > 0 || state.cancelled || state.checkIn || state.checkOut || state.complete;
        if (!hasEvents) await deps.occurrenceEvents.markTouched(plan.circleId, plan.id, occurrence.id.slice(25, 32), occurrenceId);
        if (await deps.occurrenceEvents.insert(toInsert)) {
          const updated = (await readOccurrence(occurrenceId))?.occurrence ?? occurrence;
          deps.visitsPublisher.occurrenceUpdated(updated);
          await scheduling.occurrenceChanged(updated);
          return occurrenceFor(member, updated);
        }
        // Someone else wrote that event first: read again and decide on what is stored now (a
        // claim that lost the race answers conflict on the next pass).
      }
      throw new DomainError("conflict", "This occurrence changed meanwhile; try again.");
    },
  };
}
export type VisitsService = ReturnType<typeof createVisitsService>;
