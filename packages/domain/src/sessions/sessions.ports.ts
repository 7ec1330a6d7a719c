// What device sessions and pairing (issue #4) need from storage (packages/db/src/sessions/).

export type SessionRecord = {
  id: string;
  userId: string;
  name: string;
  kind: "browser" | "tablet";
  createdAt: Date;
  lastUsedAt: Date;
  revokedAt: Date | null;
};

export interface SessionRepository {
  create(input: Omit<SessionRecord, "id" | "revokedAt" | "lastUsedAt"> & { tokenHash: string }): Promise<SessionRecord>;
  findByTokenHash(tokenHash: string): Promise<SessionRecord | null>;
  findById(sessionId: string): Promise<SessionRecord | null>;
  listForUsers(userIds: string[], kind: SessionRecord["kind"]): Promise<SessionRecord[]>;
  touch(sessionId: string, at: Date): Promise<void>;
  revoke(sessionId: string, at: Date): Promise<void>;
}

export type PairingRecord = { id: string; circleId: string; userId: string; code: string; createdBy: string; expiresAt: Date };

export interface PairingRepository {
  create(input: Omit<PairingRecord, "id">): Promise<PairingRecord>;
  findByCode(code: string): Promise<PairingRecord | null>;
  /** Exactly one caller gets true for a code. */
  redeem(circleId: string, pairingId: string, now: Date): Promise<boolean>;
}
