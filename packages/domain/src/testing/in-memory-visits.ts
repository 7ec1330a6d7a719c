import type { OccurrenceEventRecord, OccurrenceEventRepository, PlanRecord, PlanRepository } from "../visits/visits.ports";

let counter = 0;
const newId = () => `6743a1f0${(++counter).toString(16).padStart(16, "0")}`;

/** Plans and occurrence events in memory, with the same "first insert wins" rule as the database. */
export function createInMemoryVisitRepositories() {
  const planRows = new Map<string, PlanRecord>();
  /** What the service said each plan's last date is (the database keeps it in the current list). */
  const lastDates = new Map<string, string | null>();
  const circlePlans = new Map<string, string[]>();
  const events = new Map<string, OccurrenceEventRecord>();
  const touched = new Map<string, string[]>();

  const plans: PlanRepository = {
    async create(input, lastDate) {
      const plan = { ...input, id: newId() };
      planRows.set(plan.id, plan);
      lastDates.set(plan.id, lastDate);
      circlePlans.set(plan.circleId, [...(circlePlans.get(plan.circleId) ?? []), plan.id]);
      return plan;
    },
    findById: async (planId) => planRows.get(planId) ?? null,
    async save(plan, lastDate) {
      planRows.set(plan.id, plan);
      lastDates.set(plan.id, lastDate);
    },
    listForCircle: async (circleId) => (circlePlans.get(circleId) ?? []).map((id) => planRows.get(id)).filter((p): p is PlanRecord => p !== undefined),
    async listCurrent(circleId, fromDate) {
      const filed = await plans.listForCircle(circleId);
      return filed.filter((plan) => {
        const lastDate = lastDates.get(plan.id) ?? null;
        return plan.deletedAt === null && (lastDate === null || lastDate >= fromDate);
      });
    },
  };

  const occurrenceEvents: OccurrenceEventRepository = {
    async insert(event) {
      if (events.has(event.id)) return false;
      events.set(event.id, event);
      return true;
    },
    findForOccurrence: async (circleId, occurrenceId) =>
      [...events.values()].filter((event) => event.occurrenceId === occurrenceId && event.circleId === circleId),
    async markTouched(_circleId, planId, month, occurrenceId) {
      const key = `${planId}:${month}`;
      touched.set(key, [...(touched.get(key) ?? []), occurrenceId]);
    },
    listTouched: async (_circleId, planId, month) => [...new Set(touched.get(`${planId}:${month}`) ?? [])],
  };

  return { plans, occurrenceEvents, events };
}
