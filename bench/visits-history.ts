import { addDaysToDate, expandOccurrences, resolveWallTime, type PlanRecord } from "@kring/domain";
import { connectDatabase, createVisitRepositories, registerVisitModels } from "@kring/db";
import { Types } from "mongoose";
import { BENCH_TIME_ZONE, type VisitsCircle } from "./visits-target";

// `--history N`: N past occurrences with their events, written straight into the documents the
// visits storage writes (packages/db/src/visits/visits.repositories.ts), with the same keys:
//  - the live plans (`plans`, `_id` = plan id) get a start N days back (a multiple of 14, so every
//    weekday and every-2-weeks rhythm and today's occurrences stay as they are), as if made then;
//  - one one-off visit a month per circle: its slot in `circle_plan_slots` (`<circleId>:<n>`, after
//    the live plans' slots), then the plan document and its entry in the circle's current-plan list
//    (`circle_current_plans`), both written by the repository's own `save`;
//  - per occurrence its events in `occurrence_events` (`<occurrenceId>:a:0` for a claim of an open
//    one, `:check-in` + `:check-out` for a visit, `:complete` for a task) and its entry in the plan's
//    month list `plan_occurrence_slots` (`<planId>:<YYYY-MM>:<k>`).
// The newest N occurrences before today get events; older ones (a few days' worth) stay without.

type Log = (line: string) => void;

const BATCH = 2000;
const ONE_OFF_EVERY_DAYS = 30;

type Candidate = { circle: VisitsCircle; planId: string; kind: "visit" | "task"; nominal: string; date: string; start: Date; durationMinutes: number; assigneeId: string | null; oneOff?: { title: string } };

export type HistoryResult = { occurrences: number; days: number; firstDate: string; oneOffPlans: number; documents: Record<string, number>; seconds: number };

export async function seedHistory(input: { mongodbUri: string; dbName: string; circles: VisitsCircle[]; today: string; total: number; log: Log }): Promise<HistoryResult> {
  const { circles, today, total, log } = input;
  const started = performance.now();
  const yesterday = addDaysToDate(today, -1);
  // Occurrences per circle a day (live plans, from a 28-day sample, plus the one-offs) → how far back.
  const sample = circles[0]!.plans.reduce((sum, plan) => sum + expandOccurrences({ start: plan.start, timeZone: BENCH_TIME_ZONE, recurrence: plan.template.recurrence }, today, addDaysToDate(today, 27)).length, 0);
  const perDay = circles.length * (sample / 28 + 1 / ONE_OFF_EVERY_DAYS);
  const days = Math.ceil((total / perDay + 14) / 14) * 14;
  const firstDate = addDaysToDate(today, -days);

  const candidates: Candidate[] = [];
  for (const circle of circles) {
    for (const plan of circle.plans) {
      const movedStart = `${firstDate}T${plan.template.time}`;
      for (const occurrence of expandOccurrences({ start: movedStart, timeZone: BENCH_TIME_ZONE, recurrence: plan.template.recurrence }, firstDate, yesterday)) {
        candidates.push({ circle, planId: plan.id, kind: plan.template.kind, nominal: occurrence.nominal, date: occurrence.date, start: occurrence.start, durationMinutes: plan.template.durationMinutes ?? 0, assigneeId: plan.assigneeId });
      }
    }
    for (let back = 3; back <= days; back += ONE_OFF_EVERY_DAYS) {
      const date = addDaysToDate(today, -back);
      const nominal = `${date}T10:30`;
      const title = `Doctor's appointment ${date}`;
      candidates.push({ circle, planId: new Types.ObjectId().toHexString(), kind: "visit", nominal, date, start: resolveWallTime(nominal, BENCH_TIME_ZONE).instant, durationMinutes: 60, assigneeId: circle.coordinator.userId, oneOff: { title } });
    }
  }
  candidates.sort((a, b) => (a.nominal < b.nominal ? 1 : a.nominal > b.nominal ? -1 : 0));
  if (candidates.length < total) throw new Error(`only ${candidates.length} past occurrences in ${days} days; expected at least ${total}`);
  const kept = candidates.slice(0, total);
  log(`history: ${total} occurrences over the ${days} days before today (from ${firstDate}), ${circles.length} circles; writing`);

  const connection = await connectDatabase(input.mongodbUri, { dbName: input.dbName });
  const documents: Record<string, number> = { plans: 0, circle_plan_slots: 0, occurrence_events: 0, plan_occurrence_slots: 0 };
  const batches = new Map<string, Record<string, unknown>[]>();
  const oneOffs: PlanRecord[] = [];
  let done = 0;
  let lastReport = 0;
  const flush = async (collection: string, force = false) => {
    const batch = batches.get(collection) ?? [];
    if (batch.length === 0 || (!force && batch.length < BATCH)) return;
    batches.set(collection, []);
    await connection.collection(collection).insertMany(batch as never[], { ordered: false });
    documents[collection] = (documents[collection] ?? 0) + batch.length;
  };
  const add = async (collection: string, doc: Record<string, unknown>) => {
    const batch = batches.get(collection) ?? [];
    batch.push(doc);
    batches.set(collection, batch);
    await flush(collection);
  };
  try {
    // The live plans, moved back (by key: the same update a plan edit is).
    for (const circle of circles) {
      for (const plan of circle.plans) {
        await connection.collection("plans").updateOne(
          { _id: new Types.ObjectId(plan.id) },
          { $set: { start: `${firstDate}T${plan.template.time}`, createdAt: new Date(`${firstDate}T06:00:00Z`) } },
        );
      }
    }
    // Month list slot numbers per `<planId>:<YYYY-MM>`, and each circle's next plan slot.
    const monthSlots = new Map<string, number>();
    const planSlots = new Map<string, number>(circles.map((circle) => [circle.circleId, circle.plans.length]));
    for (const occurrence of kept.reverse()) {
      const circleId = new Types.ObjectId(occurrence.circle.circleId);
      const planId = new Types.ObjectId(occurrence.planId);
      const coordinatorId = occurrence.circle.coordinator.userId;
      const occurrenceId = `${occurrence.planId}:${occurrence.nominal}`;
      const at = (minutes: number) => new Date(occurrence.start.getTime() + minutes * 60_000);
      if (occurrence.oneOff) {
        const slot = planSlots.get(occurrence.circle.circleId)!;
        planSlots.set(occurrence.circle.circleId, slot + 1);
        const createdAt = new Date(occurrence.start.getTime() - 7 * 86_400_000);
        await add("circle_plan_slots", { _id: `${occurrence.circle.circleId}:${slot}`, value: occurrence.planId, at: createdAt });
        oneOffs.push({
          id: occurrence.planId,
          circleId: occurrence.circle.circleId,
          kind: "visit",
          title: occurrence.oneOff.title,
          notes: null,
          start: occurrence.nominal,
          durationMinutes: 60,
          timeZone: BENCH_TIME_ZONE,
          recurrence: null,
          assigneeId: coordinatorId,
          reminderMinutes: 60,
          alertIfMissed: false,
          lateAfterMinutes: 30,
          createdBy: coordinatorId,
          createdAt,
          previousPlanId: null,
          deletedAt: null,
        });
      }
      const monthKey = `${occurrence.planId}:${occurrence.date.slice(0, 7)}`;
      const k = monthSlots.get(monthKey) ?? 0;
      monthSlots.set(monthKey, k + 1);
      // An open plan's occurrence was claimed (by the coordinator) before it happened.
      const taker = occurrence.assigneeId ?? coordinatorId;
      await add("plan_occurrence_slots", { _id: `${monthKey}:${k}`, value: occurrenceId, at: at(-24 * 60) });
      const event = (suffix: string, type: string, minutes: number) =>
        add("occurrence_events", { _id: `${occurrenceId}:${suffix}`, occurrenceId, planId, circleId, type, userId: new Types.ObjectId(taker), note: null, at: at(minutes) });
      if (occurrence.assigneeId === null) await event("a:0", "claim", -24 * 60);
      if (occurrence.kind === "task") {
        await event("complete", "complete", 20);
      } else {
        await event("check-in", "check-in", 2);
        await event("check-out", "check-out", occurrence.durationMinutes + 3);
      }
      done += 1;
      if (done - lastReport >= total / 10 || done === total) {
        lastReport = done;
        const seconds = (performance.now() - started) / 1000;
        log(`history: ${done}/${total} occurrences written in ${seconds.toFixed(1)} s`);
      }
    }
    for (const collection of [...batches.keys()]) await flush(collection, true);
    // The one-off plans themselves, through the repository's own `save` (the plan document and its
    // entry in the circle's current-plan list, as an edit writes them), oldest first; a one-off's last
    // date is its start date, and the list keeps the last 400 days' worth.
    const { plans } = createVisitRepositories(registerVisitModels(connection));
    for (const plan of oneOffs) await plans.save(plan, plan.start.slice(0, 10));
    documents.plans = (documents.plans ?? 0) + oneOffs.length;
    log(`history: ${oneOffs.length} one-off plans filed in their circles' current-plan lists`);
  } finally {
    await connection.close();
  }
  return {
    occurrences: total,
    days,
    firstDate,
    oneOffPlans: kept.filter((occurrence) => occurrence.oneOff).length,
    documents,
    seconds: (performance.now() - started) / 1000,
  };
}
