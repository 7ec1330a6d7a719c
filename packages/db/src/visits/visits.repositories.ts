import type { OccurrenceEventRecord, OccurrenceEventRepository, OccurrenceEventType, PlanRecord, PlanRepository } from "@kring/domain";
import type { PlanKind } from "@kring/protocol";
import { Types } from "mongoose";
import { createModelInsertBatcher } from "../keyed/insert-batcher";
import { createSlotList } from "../keyed/slot-list";
import { upsertById } from "../keyed/writes";
import { toObjectId } from "../models";
import { createCurrentPlanLists, entryChanges } from "./current-plans";
import type { VisitModels } from "./visits.models";

const hex = (id: Types.ObjectId | null | undefined) => (id ? id.toHexString() : null);

type PlanDocument = {
  _id: Types.ObjectId;
  circleId: Types.ObjectId;
  kind: string;
  title: string;
  notes: string | null;
  start: string;
  durationMinutes: number | null;
  timeZone: string;
  recurrence: string | null;
  assigneeId: Types.ObjectId | null;
  reminderMinutes: number;
  alertIfMissed: boolean;
  lateAfterMinutes: number;
  createdBy: Types.ObjectId;
  createdAt: Date;
  previousPlanId: Types.ObjectId | null;
  deletedAt: Date | null;
};

const toPlanRecord = (doc: PlanDocument): PlanRecord => ({
  id: doc._id.toHexString(),
  circleId: doc.circleId.toHexString(),
  kind: doc.kind as PlanKind,
  title: doc.title,
  notes: doc.notes ?? null,
  start: doc.start,
  durationMinutes: doc.durationMinutes ?? null,
  timeZone: doc.timeZone,
  recurrence: doc.recurrence ?? null,
  assigneeId: hex(doc.assigneeId),
  reminderMinutes: doc.reminderMinutes,
  alertIfMissed: doc.alertIfMissed,
  lateAfterMinutes: doc.lateAfterMinutes,
  createdBy: doc.createdBy.toHexString(),
  createdAt: doc.createdAt,
  previousPlanId: hex(doc.previousPlanId),
  deletedAt: doc.deletedAt ?? null,
});

function planFields(plan: Omit<PlanRecord, "id">): Omit<PlanDocument, "_id"> {
  return {
    circleId: toObjectId(plan.circleId),
    kind: plan.kind,
    title: plan.title,
    notes: plan.notes,
    start: plan.start,
    durationMinutes: plan.durationMinutes,
    timeZone: plan.timeZone,
    recurrence: plan.recurrence,
    assigneeId: plan.assigneeId === null ? null : toObjectId(plan.assigneeId),
    reminderMinutes: plan.reminderMinutes,
    alertIfMissed: plan.alertIfMissed,
    lateAfterMinutes: plan.lateAfterMinutes,
    createdBy: toObjectId(plan.createdBy),
    createdAt: plan.createdAt,
    previousPlanId: plan.previousPlanId === null ? null : toObjectId(plan.previousPlanId),
    deletedAt: plan.deletedAt,
  };
}

type OccurrenceEventDocument = {
  _id: string;
  occurrenceId: string;
  planId: Types.ObjectId;
  circleId: Types.ObjectId;
  type: string;
  userId: Types.ObjectId;
  note: string | null;
  at: Date;
};

const toEventRecord = (doc: OccurrenceEventDocument): OccurrenceEventRecord => ({
  id: doc._id,
  occurrenceId: doc.occurrenceId,
  planId: doc.planId.toHexString(),
  circleId: doc.circleId.toHexString(),
  type: doc.type as OccurrenceEventType,
  userId: doc.userId.toHexString(),
  note: doc.note ?? null,
  at: doc.at,
});

/** Claims and releases read per round of the assignment chain (a chain rarely passes 2). */
const CHAIN_READS = 4;
/** A plan's month holds at most 31 × (BYDAY entries) occurrences; repeats of a filing are few. */
const TOUCHED_MAX = 2_000;

export function createVisitRepositories(models: VisitModels) {
  const circlePlans = createSlotList(models.CirclePlanSlot);
  const touchedSlots = createSlotList(models.PlanOccurrenceSlot);
  // Group commit (keyed/insert-batcher.ts): racing claims share insert commands and the earlier wins.
  const eventInserts = createModelInsertBatcher<OccurrenceEventDocument>(models.OccurrenceEvent);

  async function findEvent(circleId: string, id: string): Promise<OccurrenceEventRecord | null> {
    const doc = await models.OccurrenceEvent.findById(id).lean<OccurrenceEventDocument>();
    // `_id` alone (a second field turns FerretDB's pushdown off); the circle is checked on the result.
    return doc && doc.circleId.toHexString() === circleId ? toEventRecord(doc) : null;
  }

  async function findPlan(circleId: string, planId: string): Promise<PlanRecord | null> {
    const doc = await models.Plan.findById(toObjectId(planId)).lean<PlanDocument>();
    return doc && doc.circleId.toHexString() === circleId ? toPlanRecord(doc) : null;
  }

  async function listFiled(circleId: string): Promise<PlanRecord[]> {
    const ids = (await circlePlans.newest(circleId, 10_000)).reverse();
    const found = await Promise.all(ids.map((id) => findPlan(circleId, id)));
    return found.filter((plan): plan is PlanRecord => plan !== null);
  }

  const currentPlans = createCurrentPlanLists(models.CircleCurrentPlans, async (circleId) =>
    (await listFiled(circleId)).filter((plan) => plan.deletedAt === null).map((plan) => plan.id),
  );

  const plans: PlanRepository = {
    async create(input, lastDate) {
      const id = new Types.ObjectId();
      // Listed before it exists: a reader skips an id without a plan, but would miss a plan without an entry.
      await currentPlans.update(input.circleId, id.toHexString(), entryChanges.set(lastDate), input.createdAt);
      await models.Plan.collection.insertOne({ _id: id, ...planFields(input) } as never);
      // Filed after its insert: a crash in between leaves a plan only the current list names.
      await circlePlans.append(input.circleId, id.toHexString(), input.createdAt);
      return { ...input, id: id.toHexString() };
    },
    async findById(planId) {
      const doc = await models.Plan.findById(toObjectId(planId)).lean<PlanDocument>();
      return doc ? toPlanRecord(doc) : null;
    },
    async save(plan, lastDate) {
      const now = new Date();
      if (plan.deletedAt !== null) {
        await upsertById(models.Plan, toObjectId(plan.id), planFields(plan));
        await currentPlans.update(plan.circleId, plan.id, entryChanges.remove(), now);
        return;
      }
      // Widen, write, narrow: at no moment does the list name fewer dates than the stored plan has.
      await currentPlans.update(plan.circleId, plan.id, entryChanges.widen(lastDate), now);
      await upsertById(models.Plan, toObjectId(plan.id), planFields(plan));
      await currentPlans.update(plan.circleId, plan.id, entryChanges.set(lastDate), now);
    },
    listForCircle: listFiled,
    async listCurrent(circleId, fromDate) {
      const ids = await currentPlans.read(circleId, fromDate);
      if (ids === null) return (await listFiled(circleId)).filter((plan) => plan.deletedAt === null);
      const found = await Promise.all(ids.map((id) => findPlan(circleId, id)));
      return found.filter((plan): plan is PlanRecord => plan !== null && plan.deletedAt === null);
    },
  };

  const occurrenceEvents: OccurrenceEventRepository = {
    async insert(event) {
      return eventInserts.insert({
        _id: event.id,
        occurrenceId: event.occurrenceId,
        planId: toObjectId(event.planId),
        circleId: toObjectId(event.circleId),
        type: event.type,
        userId: toObjectId(event.userId),
        note: event.note,
        at: event.at,
      });
    },
    async findForOccurrence(circleId, occurrenceId) {
      const singles = ["cancel", "check-in", "check-out", "complete"].map((type) => `${occurrenceId}:${type}`);
      const found: OccurrenceEventRecord[] = [];
      let round = 0;
      for (;;) {
        const chainIds = Array.from({ length: CHAIN_READS }, (_, i) => `${occurrenceId}:a:${round * CHAIN_READS + i}`);
        const ids = round === 0 ? [...singles, ...chainIds] : chainIds;
        const events = await Promise.all(ids.map((id) => findEvent(circleId, id)));
        found.push(...events.filter((event): event is OccurrenceEventRecord => event !== null));
        // The chain is contiguous: read on only while its last key of this round exists.
        if (events.at(-1) === null) return found;
        round += 1;
      }
    },
    async markTouched(_circleId, planId, month, occurrenceId) {
      await touchedSlots.append(`${planId}:${month}`, occurrenceId, new Date());
    },
    async listTouched(_circleId, planId, month) {
      return [...new Set(await touchedSlots.newest(`${planId}:${month}`, TOUCHED_MAX))];
    },
  };

  return { plans, occurrenceEvents };
}
