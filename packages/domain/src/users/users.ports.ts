// What the domain needs from storage for user accounts. packages/db implements these with mongoose
// (packages/db/src/users/); unit tests implement them in memory.

/** `isManaged`: a resident's account that a coordinator created (no email, no password). */
export type UserRecord = { id: string; email: string; name: string; passwordHash: string; isManaged: boolean };

export interface UserRepository {
  /** Throws DuplicateKeyError("email") when the email is taken. */
  create(input: { email: string; name: string; passwordHash: string }): Promise<UserRecord>;
  findByEmail(email: string): Promise<UserRecord | null>;
  findById(userId: string): Promise<UserRecord | null>;
  findNames(userIds: string[]): Promise<Map<string, string>>;
}

export interface ManagedUserRepository {
  /** A user with no email and no password (a resident whose tablet is paired). */
  createManaged(name: string): Promise<UserRecord>;
}
