import { createSlotList, type SlotModel } from "../keyed/slot-list";

// A circle's current plans, so that a window read costs O(the plans that can have an occurrence in
// it), not O(every plan the circle ever filed): one-off visits, ended series and deleted plans pile
// up for years, while a circle has a handful of live ones.
//
// The list is a chain of versions in `circle_current_plans`, `_id` = `<circleId>:<n>`, each holding
// the whole list: `{keptFrom, plans: [[planId, lastDate | null], …]}`. A writer reads version n and
// inserts n + 1 (compare-and-swap on the unique `_id`; FerretDB's update is not atomic); a reader
// probes for the newest version by key (one read when its cache is current; versions never change,
// so their content is cached). `lastDate` is the last local date the plan can have an occurrence
// on (null: no end), as the domain computed it at the last save. Entries whose `lastDate` is before
// `keptFrom` (400 days before the version was written) are dropped; a read from before `keptFrom`
// (an export of old years) falls back to the full list.
//
// An entry may claim more than the plan has (a crash between the list and the plan write, an old
// `lastDate`): that costs the reader one read and nothing else. It must never claim less, so a
// writer widens the entry before it changes the plan and narrows it only after.

const KEEP_DAYS = 400;
const MAX_ATTEMPTS = 50;

type Entry = [planId: string, lastDate: string | null];
type Version = { keptFrom: string; plans: Entry[] };

/** What the entry of a plan becomes: a last date, null (no end), or undefined (not listed). */
type EntryChange = (previous: { lastDate: string | null } | undefined) => { lastDate: string | null } | undefined;

const dateDaysBefore = (now: Date, days: number) => new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10);
const covers = (a: string | null, b: string | null) => a === null || (b !== null && a >= b);

export function createCurrentPlanLists(
  model: SlotModel,
  /** The circle's live plans as they are, for a circle whose plans were filed before the list existed. */
  bootstrap: (circleId: string) => Promise<string[]>,
) {
  // A version is a whole list (a few KB): cache the newest few thousand, not 50,000 like an id list.
  const chain = createSlotList(model, { cachedValues: 5_000 });

  async function latest(circleId: string): Promise<{ n: number; version: Version | null }> {
    const n = await chain.last(circleId);
    const value = n < 0 ? null : await chain.valueAt(circleId, n);
    return { n, version: value === null ? null : (JSON.parse(value) as Version) };
  }

  return {
    /**
     * The ids of the circle's listed plans that can have an occurrence on or after `fromDate`;
     * null when the list cannot answer (no version yet, or `fromDate` before `keptFrom`).
     */
    async read(circleId: string, fromDate: string): Promise<string[] | null> {
      const { version } = await latest(circleId);
      if (!version || fromDate < version.keptFrom) return null;
      return version.plans.filter(([, lastDate]) => lastDate === null || lastDate >= fromDate).map(([planId]) => planId);
    },

    /** Writes the next version with the plan's entry changed; no write when nothing changes. */
    async update(circleId: string, planId: string, change: EntryChange, now: Date): Promise<void> {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
        const { n, version } = await latest(circleId);
        // Plans that predate the list: listed without an end (exact dates need the domain's rules).
        const base: Version = version ?? { keptFrom: "0000-01-01", plans: (await bootstrap(circleId)).map((id): Entry => [id, null]) };
        const previousEntry = base.plans.find(([id]) => id === planId);
        const next = change(previousEntry ? { lastDate: previousEntry[1] } : undefined);
        const unchanged = previousEntry ? next !== undefined && next.lastDate === previousEntry[1] : next === undefined;
        if (unchanged && version) return;
        const cutoff = dateDaysBefore(now, KEEP_DAYS);
        const keptFrom = base.keptFrom > cutoff ? base.keptFrom : cutoff;
        const plans = base.plans.filter(([id, lastDate]) => id !== planId && (lastDate === null || lastDate >= keptFrom));
        if (next !== undefined) plans.push([planId, next.lastDate]);
        if (await chain.insertAt(circleId, n + 1, JSON.stringify({ keptFrom, plans } satisfies Version), now)) return;
        // Another writer took n + 1: apply the change on top of theirs.
      }
      throw new Error(`the current-plan list of circle ${circleId} kept changing; ${MAX_ATTEMPTS} attempts failed`);
    },
  };
}

/** Entry changes for the repository's create and save (see the rule above: widen first, narrow after). */
export const entryChanges = {
  set: (lastDate: string | null): EntryChange => () => ({ lastDate }),
  remove: (): EntryChange => () => undefined,
  /** Covers both the listed date and `lastDate` (the later, or no end). */
  widen:
    (lastDate: string | null): EntryChange =>
    (previous) =>
      previous === undefined || covers(lastDate, previous.lastDate) ? { lastDate } : previous,
};
