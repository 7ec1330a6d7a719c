import { type AccountLanguage, DEFAULT_NOTIFICATION_PREFERENCES } from "@kring/protocol";
import { DomainError } from "../errors";
import type { PreferencesRepository } from "../notifications/notifications.ports";
import type { SessionRepository } from "../sessions/sessions.ports";
import type { UserRepository } from "../users/users.ports";
import type { RateLimit } from "../rate-limiter";
import type { AccountRepository, PasswordHasher, PasswordResetMailQueue, PasswordResetRepository } from "./account.ports";

/** A reset link is valid this long (issue #11). */
export const PASSWORD_RESET_TTL_MS = 30 * 60_000;

export type AccountDependencies = {
  users: UserRepository;
  account: AccountRepository;
  passwordResets: PasswordResetRepository;
  sessions: Pick<SessionRepository, "listForUsers" | "revoke">;
  preferences: PreferencesRepository;
  passwords: PasswordHasher;
  /** Attempts per account (the login limit): a borrowed session can't guess the password either. */
  accountLimit: RateLimit;
  resetMail: PasswordResetMailQueue;
  now: () => Date;
  generateToken: () => string;
  hashToken: (token: string) => string;
};

/** Change and reset a password, end other sessions, rename, choose a language. */
export function createAccountService(deps: AccountDependencies) {
  /** Revokes the user's sessions (browsers and tablets) except `keep`; returns the ids ended. */
  async function revokeSessions(userId: string, keep: string | undefined): Promise<string[]> {
    const [browsers, tablets] = await Promise.all([
      deps.sessions.listForUsers([userId], "browser"),
      deps.sessions.listForUsers([userId], "tablet"),
    ]);
    const ending = [...browsers, ...tablets].filter((s) => s.userId === userId && s.id !== keep && !s.revokedAt);
    const at = deps.now();
    await Promise.all(ending.map((s) => deps.sessions.revoke(s.id, at)));
    return ending.map((s) => s.id);
  }

  return {
    revokeSessions,

    /** The old password is required; every other session ends, this one stays. Returns the ended ids. */
    async changePassword(userId: string, currentSessionId: string | undefined, input: { currentPassword: string; newPassword: string }) {
      const user = await deps.users.findById(userId);
      if (!user) throw new DomainError("unauthorized", "This account no longer exists.");
      if (user.isManaged || !user.passwordHash) throw new DomainError("forbidden", "This account has no password.");
      await deps.accountLimit.consume(user.email);
      if (!(await deps.passwords.verify(user.passwordHash, input.currentPassword))) {
        throw new DomainError("forbidden", "The current password is not right.");
      }
      await deps.account.setPasswordHash(userId, await deps.passwords.hash(input.newPassword));
      await deps.accountLimit.reset(user.email);
      return revokeSessions(userId, currentSessionId);
    },

    /**
     * Mails a single-use link when the address has a password account; otherwise nothing. The
     * caller answers 202 before this runs, so the answer and its timing never say which it was.
     */
    async requestPasswordReset(email: string): Promise<"sent" | "no_account"> {
      const user = await deps.users.findByEmail(email);
      if (!user || user.isManaged || !user.passwordHash) return "no_account";
      const token = deps.generateToken();
      const expiresAt = new Date(deps.now().getTime() + PASSWORD_RESET_TTL_MS);
      await deps.passwordResets.create({ tokenHash: deps.hashToken(token), userId: user.id, expiresAt });
      const preferences = (await deps.preferences.find(user.id)) ?? { ...DEFAULT_NOTIFICATION_PREFERENCES };
      await deps.resetMail.enqueue({ to: user.email, name: user.name, language: preferences.language, token, expiresAt: expiresAt.toISOString() });
      return "sent";
    },

    /** Sets the new password from a link; every session of the account ends. Returns the user id and ended ids. */
    async confirmPasswordReset(token: string, newPassword: string): Promise<{ userId: string; ended: string[] }> {
      const tokenHash = deps.hashToken(token);
      const reset = await deps.passwordResets.find(tokenHash);
      const invalid = () => new DomainError("gone", "This reset link is no longer valid. Ask for a new one.");
      if (!reset || reset.expiresAt.getTime() <= deps.now().getTime()) throw invalid();
      const passwordHash = await deps.passwords.hash(newPassword);
      if (!(await deps.passwordResets.redeem(tokenHash, deps.now()))) throw invalid();
      await deps.account.setPasswordHash(reset.userId, passwordHash);
      const user = await deps.users.findById(reset.userId);
      if (user) await deps.accountLimit.reset(user.email);
      return { userId: reset.userId, ended: await revokeSessions(reset.userId, undefined) };
    },

    /** `PATCH /api/me`: the name others see, and the language of mails, pushes and (in the web app) the screens. */
    async updateMe(userId: string, input: { name?: string | undefined; language?: AccountLanguage | undefined }) {
      const user = await deps.users.findById(userId);
      if (!user) throw new DomainError("unauthorized", "This account no longer exists.");
      if (input.name !== undefined && input.name !== user.name) await deps.account.rename(userId, input.name);
      let language: AccountLanguage | undefined;
      const stored = await deps.preferences.find(userId);
      if (input.language !== undefined) {
        const preferences = stored ?? { ...DEFAULT_NOTIFICATION_PREFERENCES };
        if (preferences.language !== input.language || !stored) await deps.preferences.save(userId, { ...preferences, language: input.language });
        language = input.language;
      } else {
        language = (stored ?? { ...DEFAULT_NOTIFICATION_PREFERENCES }).language;
      }
      return { id: user.id, email: user.email, name: input.name ?? user.name, language };
    },
  };
}
export type AccountService = ReturnType<typeof createAccountService>;
