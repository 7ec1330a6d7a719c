// Group commit for inserts by key. On FerretDB/SQLite every insert command is its own SQLite
// transaction (one write lock, one commit), and on every backend each command is a round trip the
// caller's process pays for in CPU. A burst of raises, pages and claims therefore costs a commit
// and a round trip per document. The batcher sends the first insert at once and, while a batch is
// in flight, collects what arrives meanwhile into the next one: one `insertMany({ordered:false})`
// (FerretDB runs it as one transaction) for everything that queued up. Nothing waits on a timer,
// so a quiet node sends each insert alone, as before; under load batches grow by themselves.
//
// Each caller still gets its own outcome: true when its document was inserted, false when its
// `_id` already existed (a resend, or another writer won: "first insert wins" holds, also within
// one batch, where the earlier caller wins), or its own error.

/** The part of a (mongoose or driver) collection the batcher uses. */
type InsertManyCollection<T> = {
  insertMany(docs: T[], options: { ordered: false }): Promise<unknown>;
};

type WriteErrorLike = { index?: unknown; code?: unknown; errmsg?: unknown; message?: unknown };

/** The per-document errors of a failed unordered insertMany (the driver's MongoBulkWriteError), or null. */
function writeErrorsOf(error: unknown): WriteErrorLike[] | null {
  if (typeof error !== "object" || error === null || !("writeErrors" in error)) return null;
  const writeErrors = (error as { writeErrors: unknown }).writeErrors;
  if (Array.isArray(writeErrors)) return writeErrors as WriteErrorLike[];
  return typeof writeErrors === "object" && writeErrors !== null ? [writeErrors as WriteErrorLike] : null;
}

type Pending<T> = { doc: T; resolve: (inserted: boolean) => void; reject: (error: unknown) => void };

type InsertBatcher<T> = {
  /** Inserts `doc`; false when its `_id` exists. */
  insert(doc: T): Promise<boolean>;
};

export function createInsertBatcher<T>(collection: InsertManyCollection<T>, options: { maxBatch?: number } = {}): InsertBatcher<T> {
  const maxBatch = options.maxBatch ?? 500;
  let queue: Pending<T>[] = [];
  let isSending = false;

  async function send(batch: Pending<T>[]) {
    try {
      await collection.insertMany(
        batch.map((p) => p.doc),
        { ordered: false },
      );
      for (const p of batch) p.resolve(true);
    } catch (error) {
      const writeErrors = writeErrorsOf(error);
      if (!writeErrors) {
        // The command itself failed (connection lost, …): every caller sees it, as with its own insert.
        for (const p of batch) p.reject(error);
        return;
      }
      const failed = new Map<number, WriteErrorLike>();
      for (const writeError of writeErrors) if (typeof writeError.index === "number") failed.set(writeError.index, writeError);
      batch.forEach((p, index) => {
        const writeError = failed.get(index);
        if (!writeError) p.resolve(true);
        else if (writeError.code === 11000) p.resolve(false);
        else p.reject(Object.assign(new Error(String(writeError.errmsg ?? writeError.message ?? "insert failed")), { code: writeError.code }));
      });
    }
  }

  async function drain() {
    isSending = true;
    try {
      while (queue.length > 0) {
        const batch = queue.slice(0, maxBatch);
        queue = queue.slice(batch.length);
        await send(batch);
      }
    } finally {
      isSending = false;
    }
  }

  return {
    insert(doc) {
      return new Promise<boolean>((resolve, reject) => {
        queue.push({ doc, resolve, reject });
        // Inserts made in the same tick leave together; later ones wait for the batch in flight.
        if (!isSending) {
          isSending = true;
          queueMicrotask(() => void drain());
        }
      });
    },
  };
}

/**
 * A batcher on a mongoose model's collection, for documents built exactly as its schema stores them
 * (mongoose types the raw collection with the schema's inferred shape, which may differ from the
 * stored one, e.g. a string `_id`). The documents skip mongoose's casting and validation.
 */
export function createModelInsertBatcher<T>(model: { collection: unknown }, options?: { maxBatch?: number }): InsertBatcher<T> {
  return createInsertBatcher(model.collection as InsertManyCollection<T>, options);
}
