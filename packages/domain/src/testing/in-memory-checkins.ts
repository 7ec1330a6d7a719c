import type { CheckinRecord, CheckinRepository, CheckinScheduleRecord } from "../checkin/checkin.ports";

/** Check-in schedules and days in memory, keyed like the database (`circleId`, `circleId:date`; the first check-in of a day wins). */
export function createInMemoryCheckinRepository(): CheckinRepository {
  const schedules = new Map<string, CheckinScheduleRecord>();
  const days = new Map<string, CheckinRecord>();
  return {
    findSchedule: async (circleId) => schedules.get(circleId) ?? null,
    async saveSchedule(schedule) {
      schedules.set(schedule.circleId, schedule);
    },
    maintenanceListEnabledSchedules: async () => [...schedules.values()].filter((schedule) => schedule.enabled),
    async record(checkin) {
      const key = `${checkin.circleId}:${checkin.date}`;
      const stored = days.get(key) ?? checkin;
      days.set(key, stored);
      return stored;
    },
    find: async (circleId, date) => days.get(`${circleId}:${date}`) ?? null,
  };
}
