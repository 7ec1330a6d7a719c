import type { CheckinRepository } from "@kring/domain";
import { insertOnce, upsertById } from "../keyed/writes";
import { toObjectId } from "../models";
import type { CheckinModels } from "./checkin.models";

export function createCheckinRepositories(models: CheckinModels) {
  const checkins: CheckinRepository = {
    async findSchedule(circleId) {
      const doc = await models.CheckinSchedule.findById(toObjectId(circleId)).lean();
      return doc ? { circleId, deadline: doc.deadline, timeZone: doc.timeZone, enabled: doc.enabled } : null;
    },
    async saveSchedule(schedule) {
      await upsertById(models.CheckinSchedule, toObjectId(schedule.circleId), {
        deadline: schedule.deadline,
        timeZone: schedule.timeZone,
        enabled: schedule.enabled,
      });
    },
    /**
     * Maintenance scan, run once at worker start to re-create the schedulers if Redis lost them.
     * The collection holds one small document per circle and grows with circles, not with use;
     * the filter stays in this process so the query sent is a plain full read.
     */
    async maintenanceListEnabledSchedules() {
      const docs = await models.CheckinSchedule.find().lean();
      return docs
        .filter((doc) => doc.enabled)
        .map((doc) => ({ circleId: doc._id.toHexString(), deadline: doc.deadline, timeZone: doc.timeZone, enabled: doc.enabled }));
    },
    async record(checkin) {
      const id = `${checkin.circleId}:${checkin.date}`;
      await insertOnce(() =>
        models.Checkin.create({ _id: id, ...checkin, circleId: toObjectId(checkin.circleId), by: toObjectId(checkin.by) }),
      );
      const stored = await models.Checkin.findById(id).lean();
      if (!stored || stored.circleId.toHexString() !== checkin.circleId) throw new Error("check-in vanished after insert");
      return { circleId: checkin.circleId, date: stored.date, at: stored.at, by: stored.by.toHexString() };
    },
    async find(circleId, date) {
      // `_id` alone (a second field turns FerretDB's pushdown off); the circle is checked on the result.
      const doc = await models.Checkin.findById(`${circleId}:${date}`).lean();
      return doc && doc.circleId.toHexString() === circleId ? { circleId, date: doc.date, at: doc.at, by: doc.by.toHexString() } : null;
    },
  };
  return { checkins };
}
