import { type Connection, Schema } from "mongoose";
import { createModelInsertBatcher } from "./insert-batcher";

// An append-only list per scope (a circle's alerts, a user's sessions…) addressed by key only:
// slot n of scope s is the document `_id = "s:n"`. FerretDB/SQLite serves nothing but `{_id: value}`
// from an index, so "the newest N" must be N point reads, never a sorted query.
//
// Slots are contiguous: a writer claims slot n by inserting its _id, and one that meets a
// duplicate-key error takes n + 1. So the last slot can be found by probing keys: forward from this
// node's cached value (one read when the cache is current), or, cold, by doubling and then bisecting
// (O(log n) reads). Slot documents are never changed, so their values are cached too.

const slotSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** What the slot points at (an alert id, a session id, …). */
    value: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

type SlotDocument = { _id: string; value: string; at: Date };

/** A Map that forgets its oldest entries beyond `limit` (insertion order). */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly limit: number) {
    super();
  }
  override set(key: K, value: V): this {
    if (this.has(key)) this.delete(key);
    super.set(key, value);
    if (this.size > this.limit) {
      const oldest = this.keys().next();
      if (!oldest.done) this.delete(oldest.value);
    }
    return this;
  }
}

export function registerSlotModel(connection: Connection, modelName: string, collection: string) {
  return connection.model(modelName, slotSchema, collection);
}
export type SlotModel = ReturnType<typeof registerSlotModel>;

export function createSlotList(model: SlotModel, options: { cachedValues?: number } = {}) {
  const lastKnown = new BoundedMap<string, number>(20_000);
  // Slot values are ids (~30 bytes); a list whose values are larger caches fewer.
  const values = new BoundedMap<string, string | null>(options.cachedValues ?? 50_000);
  const appending = new Map<string, Promise<void>>();
  // Appends to different scopes that meet in time share one insert command (group commit).
  const inserts = createModelInsertBatcher<SlotDocument>(model);
  const keyOf = (scope: string, slot: number) => `${scope}:${slot}`;

  async function read(scope: string, slot: number): Promise<string | null> {
    const key = keyOf(scope, slot);
    const cached = values.get(key);
    if (cached !== undefined && cached !== null) return cached;
    const doc = await model.findById(key).lean<SlotDocument>();
    // Only a present slot is cached: an absent one may be claimed a moment later.
    if (doc) values.set(key, doc.value);
    return doc ? doc.value : null;
  }

  /** The last claimed slot of `scope`, -1 when it has none. */
  async function last(scope: string): Promise<number> {
    let low = lastKnown.get(scope) ?? -1; // a slot known to exist (or -1)
    let step = 1;
    let high: number;
    for (;;) {
      const probe = low + step;
      if ((await read(scope, probe)) !== null) {
        low = probe;
        step *= 2;
      } else {
        high = probe;
        break;
      }
    }
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if ((await read(scope, mid)) !== null) low = mid;
      else high = mid;
    }
    if (low >= 0) lastKnown.set(scope, low);
    return low;
  }

  return {
    last,

    /**
     * Claims the next slot of `scope` for `value`; returns its number. Appends to one scope are
     * serialised on this node, so a burst in one circle does not race itself into duplicate keys;
     * with a warm cache the append is a single insert (a duplicate means another node appended:
     * probe forward, O(log lag) reads, and try again).
     */
    append(scope: string, value: string, at: Date): Promise<number> {
      const previous = appending.get(scope) ?? Promise.resolve();
      const next = previous.then(async () => {
        const cached = lastKnown.get(scope);
        let slot = cached === undefined ? (await last(scope)) + 1 : cached + 1;
        for (;;) {
          // The document exactly as the schema stores it (no mongoose document to build).
          if (await inserts.insert({ _id: keyOf(scope, slot), value, at })) {
            values.set(keyOf(scope, slot), value);
            if ((lastKnown.get(scope) ?? -1) < slot) lastKnown.set(scope, slot);
            return slot;
          }
          slot = Math.max(slot, await last(scope)) + 1;
        }
      });
      const settled = next.then(
        () => undefined,
        () => undefined,
      );
      appending.set(scope, settled);
      void settled.then(() => {
        if (appending.get(scope) === settled) appending.delete(scope);
      });
      return next;
    },

    /** The value of one slot (cached once read: slots never change), null when unclaimed. */
    valueAt: read,

    /**
     * Claims exactly slot `slot` of `scope`; false when it is taken. This is compare-and-swap for
     * a chain of versions (slot n + 1 is written only by someone who read slot n): FerretDB's
     * update is not atomic, its unique `_id` is.
     */
    async insertAt(scope: string, slot: number, value: string, at: Date): Promise<boolean> {
      if (!(await inserts.insert({ _id: keyOf(scope, slot), value, at }))) return false;
      values.set(keyOf(scope, slot), value);
      if ((lastKnown.get(scope) ?? -1) < slot) lastKnown.set(scope, slot);
      return true;
    },

    /** The values of the newest `limit` slots, newest first (point reads of computed keys). */
    async newest(scope: string, limit: number): Promise<string[]> {
      const top = await last(scope);
      const slots: number[] = [];
      for (let slot = top; slot >= 0 && slots.length < limit; slot -= 1) slots.push(slot);
      const found = await Promise.all(slots.map((slot) => read(scope, slot)));
      return found.filter((value): value is string => value !== null);
    },
  };
}
