import type { OccurrenceUpdate, PlanUpdate } from "./visits.types";

// The socket's visit events go through this tiny relay instead of a store: app/realtime.ts runs on
// the resident's first load, and the calendar store (and the tablet's card) load later, lazily.

export type VisitEvent = ({ type: "occurrence" } & OccurrenceUpdate) | ({ type: "plan" } & PlanUpdate);

const listeners = new Set<(event: VisitEvent) => void>();

/** Subscribes to `occurrence:update` and `plan:update`; returns the unsubscribe. */
export function onVisitEvent(listener: (event: VisitEvent) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function publishVisitEvent(event: VisitEvent): void {
  for (const listener of listeners) listener(event);
}
