// The visits contract as the web app uses it: types only (erased at build), so the resident's card
// can name them without shipping zod to the tablet.
export type { Occurrence, OccurrenceAction, OccurrenceUpdateEvent as OccurrenceUpdate, Plan, PlanUpdateEvent as PlanUpdate } from "@kring/protocol";
