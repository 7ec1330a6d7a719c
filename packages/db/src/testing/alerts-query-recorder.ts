import type { Connection } from "mongoose";

// Records every operation mongoose sends on a connection (its debug hook) so a test can fail when
// one is not served by key. FerretDB 1.24 on SQLite serves only a filter that is exactly
// `{_id: <string|ObjectId>}` from an index; anything else decodes the whole collection.
// (The messages engineer's `query-recorder.ts` follows the same idea; this one is the alerts side's.)

export type RecordedOperation = { collection: string; method: string; filter: unknown };

/** Operations that take a filter; any other (insertOne, createIndex…) touches no existing document by query. */
const FILTERED = new Set([
  "find",
  "findOne",
  "updateOne",
  "updateMany",
  "replaceOne",
  "deleteOne",
  "deleteMany",
  "findOneAndUpdate",
  "findOneAndReplace",
  "findOneAndDelete",
]);
/** Operations that read a whole collection whatever their arguments. */
const ALWAYS_SCANS = new Set(["countDocuments", "count", "estimatedDocumentCount", "distinct", "aggregate", "mapReduce"]);

const isKeyValue = (value: unknown) =>
  typeof value === "string" ||
  (typeof value === "object" && value !== null && (value as { _bsontype?: unknown })._bsontype === "ObjectId");

/** True when the filter is exactly `{_id: value}` with a plain string or ObjectId value. */
export function isKeyFilter(filter: unknown): boolean {
  if (typeof filter !== "object" || filter === null) return false;
  const keys = Object.keys(filter);
  return keys.length === 1 && keys[0] === "_id" && isKeyValue((filter as { _id: unknown })._id);
}

export function isServedByKey(operation: RecordedOperation): boolean {
  if (ALWAYS_SCANS.has(operation.method)) return false;
  if (!FILTERED.has(operation.method)) return true;
  return isKeyFilter(operation.filter);
}

export function recordAlertQueries(connection: Connection) {
  const operations: RecordedOperation[] = [];
  connection.set("debug", (collection: string, method: string, ...args: unknown[]) => {
    operations.push({ collection, method, filter: args[0] });
  });
  return {
    operations,
    /** Every recorded operation that is not served by key, for a readable failure message. */
    violations: () =>
      operations.filter((op) => !isServedByKey(op)).map((op) => `${op.collection}.${op.method}(${JSON.stringify(op.filter)})`),
    reads: () => operations.filter((op) => FILTERED.has(op.method) || ALWAYS_SCANS.has(op.method)).length,
    clear: () => {
      operations.length = 0;
    },
    stop: () => {
      connection.set("debug", false);
    },
  };
}
