import { create } from "zustand";
import { dayOfInstant } from "./visit-dates";
import { fetchCircleOccurrences, fetchMyOccurrences, fetchPlans, postOccurrenceAction } from "./visits.api";
import type { VisitEvent } from "./visits-live";
import type { Occurrence, OccurrenceAction, Plan } from "./visits.types";

type LoadState = "loading" | "loaded" | "failed";

/** A range a screen asked for: `circleId` undefined is "across all my circles" (`/api/me/occurrences`). */
export type VisitWindow = { circleId: string | undefined; from: string; to: string };

type VisitsState = {
  occurrencesById: Record<string, Occurrence>;
  /** Plans seen in `plan:update` events or answers (the form edits from them). */
  plansById: Record<string, Plan>;
  /** Per window key: whether its occurrences are loaded. */
  windows: Record<string, { window: VisitWindow; state: LoadState }>;
  load(window: VisitWindow): Promise<void>;
  /** Every window again: after a reconnect, and when a plan changed (its occurrences may have moved). */
  reloadAll(): Promise<void>;
  upsert(occurrences: Occurrence[]): void;
  rememberPlan(plan: Plan): void;
  /** A circle's plans (who made each decides who may change it). */
  loadPlans(circleId: string): Promise<Plan[]>;
  apply(event: VisitEvent): void;
  act(occurrenceId: string, action: OccurrenceAction, note?: string): Promise<Occurrence>;
  reset(): void;
};

export function windowKey(window: VisitWindow): string {
  return `${window.circleId ?? "me"}:${window.from}:${window.to}`;
}

const initialState = {
  occurrencesById: {} as Record<string, Occurrence>,
  plansById: {} as Record<string, Plan>,
  windows: {} as Record<string, { window: VisitWindow; state: LoadState }>,
};

export const useVisitsStore = create<VisitsState>()((set, get) => ({
  ...initialState,

  async load(window) {
    const key = windowKey(window);
    set((state) => ({ windows: { ...state.windows, [key]: { window, state: state.windows[key]?.state === "loaded" ? "loaded" : "loading" } } }));
    try {
      const occurrences = window.circleId === undefined ? await fetchMyOccurrences(window.from, window.to) : await fetchCircleOccurrences(window.circleId, window.from, window.to);
      set((state) => {
        // The answer is the truth for its range: an occurrence of that range it no longer lists
        // (a series edited or deleted) goes.
        const byId = { ...state.occurrencesById };
        for (const occurrence of Object.values(byId)) {
          if (isInWindow(occurrence, window)) delete byId[occurrence.id];
        }
        for (const occurrence of occurrences) byId[occurrence.id] = occurrence;
        return { occurrencesById: byId, windows: { ...state.windows, [key]: { window, state: "loaded" } } };
      });
    } catch (error) {
      set((state) => ({ windows: { ...state.windows, [key]: { window, state: state.windows[key]?.state === "loaded" ? "loaded" : "failed" } } }));
      throw error;
    }
  },

  async reloadAll() {
    await Promise.all(Object.values(get().windows).map(({ window }) => get().load(window).catch(() => undefined)));
  },

  upsert(occurrences) {
    set((state) => {
      const byId = { ...state.occurrencesById };
      for (const occurrence of occurrences) byId[occurrence.id] = occurrence;
      return { occurrencesById: byId };
    });
  },

  rememberPlan(plan) {
    set((state) => ({ plansById: { ...state.plansById, [plan.id]: plan } }));
  },

  async loadPlans(circleId) {
    const plans = await fetchPlans(circleId);
    set((state) => {
      const plansById = { ...state.plansById };
      for (const plan of plans) plansById[plan.id] = plan;
      return { plansById };
    });
    return plans;
  },

  apply(event) {
    if (event.type === "occurrence") {
      get().upsert([event.occurrence]);
      return;
    }
    if (event.deleted) {
      set((state) => {
        const plansById = { ...state.plansById };
        delete plansById[event.plan.id];
        const occurrencesById = { ...state.occurrencesById };
        for (const occurrence of Object.values(occurrencesById)) {
          if (occurrence.planId === event.plan.id) delete occurrencesById[occurrence.id];
        }
        return { plansById, occurrencesById };
      });
    } else {
      get().rememberPlan(event.plan);
    }
    // A new or edited series changes occurrences that no event names one by one: read them again.
    void get().reloadAll();
  },

  async act(occurrenceId, action, note) {
    const occurrence = await postOccurrenceAction(occurrenceId, action, note);
    get().upsert([occurrence]);
    return occurrence;
  },

  reset() {
    set(initialState);
  },
}));

function isInWindow(occurrence: Occurrence, window: VisitWindow): boolean {
  if (window.circleId !== undefined && occurrence.circleId !== window.circleId) return false;
  const day = dayOfInstant(occurrence.start);
  return day >= window.from && day <= window.to;
}

/** Occurrences of a circle (or of all circles) starting on the local days from…to, by start. */
export function selectOccurrences(byId: Record<string, Occurrence>, window: VisitWindow): Occurrence[] {
  return Object.values(byId)
    .filter((occurrence) => isInWindow(occurrence, window))
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || a.id.localeCompare(b.id));
}
