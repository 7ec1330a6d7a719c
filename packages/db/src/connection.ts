import mongoose from "mongoose";

// Refuse query operators smuggled in as values (`{"$ne":null}` for a string) and
// unknown filter fields, on every query of every model.
mongoose.set("sanitizeFilter", true);
mongoose.set("strictQuery", true);

/** Opens a dedicated connection (tests give each file its own database name). */
export async function connectDatabase(uri: string, options: { dbName?: string } = {}) {
  const connection = mongoose.createConnection(uri, {
    ...(options.dbName ? { dbName: options.dbName } : {}),
    serverSelectionTimeoutMS: 10_000,
    // Open connections up front: growing the pool under the first burst of sends was a visible
    // latency spike against FerretDB.
    minPoolSize: 10,
    // FerretDB and MongoDB both accept this; it makes every write wait for the journal.
    writeConcern: { w: 1, j: true },
  });
  await connection.asPromise();
  return connection;
}
export type Connection = mongoose.Connection;

/** True when the database answers a ping; used by /readyz. */
export async function pingDatabase(connection: mongoose.Connection): Promise<boolean> {
  try {
    const db = connection.db;
    if (!db) return false;
    await db.admin().ping();
    return true;
  } catch {
    return false;
  }
}
