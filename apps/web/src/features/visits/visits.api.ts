import { OccurrenceResponse, OccurrencesResponse, PlanResponse, PlansResponse, PlanUpdateResponse, type PlanCreateBody, type PlanUpdateBody } from "@kring/protocol";
import { api, apiRequest } from "../../lib/api";
import type { Occurrence, OccurrenceAction, Plan } from "./visits.types";

// REST calls of the visits contract (docs/protocol.md, "Visits and tasks"), family and staff side:
// every answer is parsed with its protocol schema (the tablet's card reads occurrences without them).

/** What the plan form sends to create a plan (a PATCH sends the changed fields of it). */
export type PlanInput = PlanCreateBody;
export type PlanChanges = PlanUpdateBody;

export function fetchCircleOccurrences(circleId: string, from: string, to: string): Promise<Occurrence[]> {
  return api.get(`/api/circles/${circleId}/occurrences?from=${from}&to=${to}`, OccurrencesResponse).then((body) => body.occurrences);
}

export function fetchMyOccurrences(from: string, to: string): Promise<Occurrence[]> {
  return api.get(`/api/me/occurrences?from=${from}&to=${to}`, OccurrencesResponse).then((body) => body.occurrences);
}

export function postOccurrenceAction(occurrenceId: string, action: OccurrenceAction, note?: string): Promise<Occurrence> {
  const trimmed = note?.trim();
  return api
    .post(`/api/occurrences/${encodeURIComponent(occurrenceId)}/${action}`, trimmed ? { note: trimmed } : {}, OccurrenceResponse)
    .then((answer) => answer.occurrence);
}

/** The circle's live plans (who made each one decides who may change it). */
export function fetchPlans(circleId: string): Promise<Plan[]> {
  return api.get(`/api/circles/${circleId}/plans`, PlansResponse).then((body) => body.plans);
}

export function createPlan(circleId: string, input: PlanInput): Promise<Plan> {
  return api.post(`/api/circles/${circleId}/plans`, input, PlanResponse).then((body) => body.plan);
}

/** Changes from `fromDate` on; the answer's plan may be a new one continuing the series. */
export function updatePlan(planId: string, changes: PlanChanges): Promise<Plan> {
  return apiRequest("PATCH", `/api/plans/${planId}`, { body: changes, schema: PlanUpdateResponse }).then((body) => body.plan);
}

export function deletePlan(planId: string): Promise<void> {
  return api.delete(`/api/plans/${planId}`);
}
