import { Types, type Connection } from "mongoose";

// The guard of issue #7: FerretDB 1.24 on SQLite serves only a filter that is exactly
// `{_id: value}` from an index; any other filter, `$in`, range, sort or count decodes the whole
// collection. These helpers record every operation mongoose sends on a connection (its
// `operation-start` event, which also covers raw `connection.collection()` calls) and fail on
// any that is not served by key. Inserts are always fine.

export type RecordedOperation = { collection: string; method: string; params: unknown[] };

/** Operations that never filter a collection. */
const KEYLESS_OK = new Set(["insertOne", "insertMany"]);
/** Operations whose first parameter is a filter that must be a key. */
const FILTERED = new Set([
  "find",
  "findOne",
  "updateOne",
  "replaceOne",
  "deleteOne",
  "findOneAndUpdate",
  "findOneAndDelete",
  "findOneAndReplace",
]);

const isKeyValue = (value: unknown) =>
  typeof value === "string" || typeof value === "number" || value instanceof Types.ObjectId;

/** True for a filter that is exactly `{_id: <string | number | ObjectId>}`. */
export function isKeyFilter(filter: unknown): boolean {
  if (typeof filter !== "object" || filter === null) return false;
  const keys = Object.keys(filter);
  return keys.length === 1 && keys[0] === "_id" && isKeyValue((filter as { _id: unknown })._id);
}

/** Why an operation is not a key access, or null when it is one. */
export function whyNotKeyAccess(operation: RecordedOperation): string | null {
  if (KEYLESS_OK.has(operation.method)) return null;
  if (FILTERED.has(operation.method)) {
    const [filter, , options] = operation.params as [unknown, unknown, { sort?: unknown } | undefined];
    if (!isKeyFilter(filter)) return `filter ${describe(filter)} is not exactly {_id: value}`;
    if (operation.method === "find" && (operation.params[1] as { sort?: unknown } | undefined)?.sort) return "sorted";
    if (options?.sort) return "sorted";
    return null;
  }
  if (operation.method === "bulkWrite") {
    const ops = (operation.params[0] ?? []) as Record<string, { filter?: unknown }>[];
    for (const op of ops) {
      const [kind, body] = Object.entries(op)[0] ?? [];
      if (kind === "insertOne") continue;
      if (!isKeyFilter(body?.filter)) return `bulk ${kind} filter ${describe(body?.filter)}`;
    }
    return null;
  }
  return `${operation.method} reads or counts the collection`;
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/**
 * Starts recording; `stop()` ends it and returns what was sent. `violations()` lists what so far is
 * not a key access (readable in a failure message), `reads()` counts the operations that read
 * (everything but inserts), and `clear()` starts counting again.
 */
export function recordQueries(connection: Connection) {
  const operations: RecordedOperation[] = [];
  const listener = (event: { collectionName: string; method: string; params?: unknown[] }) => {
    operations.push({ collection: event.collectionName, method: event.method, params: event.params ?? [] });
  };
  connection.on("operation-start", listener);
  return {
    operations,
    violations: () =>
      operations.flatMap((op) => {
        const why = whyNotKeyAccess(op);
        return why ? [`${op.collection}.${op.method}: ${why}`] : [];
      }),
    reads: () => operations.filter((op) => !KEYLESS_OK.has(op.method)).length,
    clear: () => {
      operations.length = 0;
    },
    stop() {
      connection.off("operation-start", listener);
      return operations;
    },
  };
}

export class KeyAccessError extends Error {}

/**
 * Runs `fn` and throws if any database operation it caused on `connection` is not an insert or a
 * point access by `_id`. Returns the recorded operations (so a test can also assert "it read
 * something"). `ignoreCollections` is for collections another part of the code owns and checks
 * itself; maintenance jobs are simply not run inside `fn`.
 */
export async function expectOnlyKeyReads<T>(
  connection: Connection,
  fn: () => Promise<T>,
  options: { ignoreCollections?: string[]; label?: string } = {},
): Promise<{ result: T; operations: RecordedOperation[] }> {
  const recorder = recordQueries(connection);
  let result: T;
  try {
    result = await fn();
  } finally {
    recorder.stop();
  }
  const ignored = new Set(options.ignoreCollections ?? []);
  const offences = recorder.operations
    .filter((op) => !ignored.has(op.collection))
    .flatMap((op) => {
      const why = whyNotKeyAccess(op);
      return why ? [`${op.collection}.${op.method}: ${why}`] : [];
    });
  if (offences.length > 0) {
    throw new KeyAccessError(
      `${options.label ?? "operation"} is not served by key on FerretDB/SQLite:\n  ${offences.join("\n  ")}`,
    );
  }
  return { result, operations: recorder.operations };
}
