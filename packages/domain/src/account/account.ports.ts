import type { AccountLanguage, PasswordResetEmailJob } from "@kring/protocol";

// Account basics (issue #11): ports of the account service.

export interface AccountRepository {
  /** `users` `<userId>`: a `$set` by key. */
  setPasswordHash(userId: string, passwordHash: string): Promise<void>;
  rename(userId: string, name: string): Promise<void>;
}

export type PasswordResetRecord = { tokenHash: string; userId: string; expiresAt: Date };

export interface PasswordResetRepository {
  /** `password_resets` `<sha256(token)>`. */
  create(record: PasswordResetRecord): Promise<void>;
  find(tokenHash: string): Promise<PasswordResetRecord | null>;
  /** Inserts `used:<tokenHash>`: exactly one caller gets true for a token. */
  redeem(tokenHash: string, at: Date): Promise<boolean>;
}

export interface PasswordResetMailQueue {
  enqueue(job: PasswordResetEmailJob): Promise<void>;
}

export type PasswordHasher = {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** Spends a check's time without a hash (an unknown account). */
  burn(password: string): Promise<void>;
};

export type { AccountLanguage };
