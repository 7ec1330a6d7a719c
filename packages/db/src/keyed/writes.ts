import { DuplicateKeyError } from "@kring/domain";
import type { Model } from "mongoose";

export const isDuplicateKey = (error: unknown) =>
  typeof error === "object" && error !== null && (error as { code?: unknown }).code === 11000;

/** Re-throws a unique-index violation as the domain's DuplicateKeyError. */
export async function mapDuplicate<T>(index: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isDuplicateKey(error)) throw new DuplicateKeyError(index);
    throw error;
  }
}

/** Inserts; false when the _id (or another unique key) exists. */
export async function insertOnce(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

/** Replace-or-insert by _id; two first writers racing meet on the primary key, so retry once. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any model: mongoose's generics don't unify here
export async function upsertById(model: Model<any>, id: unknown, fields: Record<string, unknown>) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await model.updateOne({ _id: id }, { $set: fields }, { upsert: true });
      return;
    } catch (error) {
      if (!isDuplicateKey(error) || attempt > 0) throw error;
    }
  }
}
