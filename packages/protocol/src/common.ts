import { z } from "zod";

/**
 * A MongoDB ObjectId as 24 hex characters. Ids are validated as plain strings so
 * that an operator object such as `{"$ne":null}` can never reach a query.
 */
export const Id = z.string().regex(/^[0-9a-f]{24}$/, "must be a 24-character hex id");
export type Id = z.infer<typeof Id>;

/** A per-circle message sequence number: 1, 2, 3, ... */
export const Seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const Role = z.enum(["resident", "family", "professional", "coordinator"]);
export type Role = z.infer<typeof Role>;

export const IsoDate = z.string();
