import { useEffect, useMemo } from "react";
import { onReconnect } from "../connection/connection.store";
import { onVisitEvent } from "./visits-live";
import { selectOccurrences, useVisitsStore, windowKey, type VisitWindow } from "./visits.store";
import type { Occurrence } from "./visits.types";

/**
 * The occurrences of a window, loaded on mount, kept live by `occurrence:update`/`plan:update`
 * and read again after a reconnect (events sent while offline are not replayed).
 */
export function useOccurrences(window: VisitWindow): { occurrences: Occurrence[]; state: "loading" | "loaded" | "failed"; retry(): void } {
  const key = windowKey(window);
  const byId = useVisitsStore((state) => state.occurrencesById);
  const loadState = useVisitsStore((state) => state.windows[key]?.state ?? "loading");
  const { circleId, from, to } = window;

  useEffect(() => {
    const load = () => void useVisitsStore.getState().load({ circleId, from, to }).catch(() => undefined);
    load();
    const stopEvents = onVisitEvent((event) => useVisitsStore.getState().apply(event));
    const stopReconnect = onReconnect(load);
    return () => {
      stopEvents();
      stopReconnect();
      // Forget the window: a plan's change reloads only what some screen still shows.
      useVisitsStore.setState((state) => {
        const windows = { ...state.windows };
        delete windows[key];
        return { windows };
      });
    };
  }, [circleId, from, to, key]);

  const occurrences = useMemo(() => selectOccurrences(byId, { circleId, from, to }), [byId, circleId, from, to]);
  return { occurrences, state: loadState, retry: () => void useVisitsStore.getState().load({ circleId, from, to }).catch(() => undefined) };
}

/** Groups by local start day (in order), for lists with one heading per day. */
export function groupByDay(occurrences: Occurrence[]): Array<{ day: string; items: Occurrence[] }> {
  const groups: Array<{ day: string; items: Occurrence[] }> = [];
  for (const occurrence of occurrences) {
    const date = new Date(occurrence.start);
    const day = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;
    const last = groups[groups.length - 1];
    if (last?.day === day) last.items.push(occurrence);
    else groups.push({ day, items: [occurrence] });
  }
  return groups;
}
