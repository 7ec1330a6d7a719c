import { type AccountSession, type Circle, type Device, PAIRING_CODE_TTL_MINUTES } from "@kring/protocol";
import { requireMembership } from "../circles/circles.service";
import { DomainError } from "../errors";
import type { CircleRepository, MembershipRepository } from "../circles/circles.ports";
import type { ManagedUserRepository, UserRecord, UserRepository } from "../users/users.ports";
import type { PairingRepository, SessionRecord, SessionRepository } from "./sessions.ports";

export type SessionsDependencies = {
  sessions: SessionRepository;
  pairings: PairingRepository;
  users: UserRepository & ManagedUserRepository;
  memberships: MembershipRepository;
  circles: CircleRepository;
  now: () => Date;
  /** A new secret (the device token) and the hash we store instead of it. */
  generateSecret: () => string;
  hashSecret: (secret: string) => string;
  generatePairingCode: () => string;
};

const toDevice = (s: SessionRecord): Device => ({
  id: s.id,
  userId: s.userId,
  name: s.name,
  createdAt: s.createdAt.toISOString(),
  lastUsedAt: s.lastUsedAt.toISOString(),
  revokedAt: s.revokedAt?.toISOString() ?? null,
});

/**
 * Long-lived, revocable device sessions that mint short-lived access tokens, and the pairing
 * that gives a resident's tablet one without a password.
 */
export function createSessionsService(deps: SessionsDependencies) {
  async function requireCoordinator(userId: string, circleId: string) {
    const membership = await requireMembership(deps.memberships, circleId, userId);
    if (membership.role !== "coordinator") {
      throw new DomainError("forbidden", "Only a coordinator of this circle can manage residents and their devices.");
    }
  }

  async function startSession(user: UserRecord, kind: SessionRecord["kind"], name: string) {
    const deviceToken = deps.generateSecret();
    const session = await deps.sessions.create({
      userId: user.id,
      kind,
      name,
      createdAt: deps.now(),
      tokenHash: deps.hashSecret(deviceToken),
    });
    return { session, deviceToken };
  }

  return {
    startSession,

    /** Exchanges a device token for its session; revoked or unknown → unauthorized. */
    async resumeSession(deviceToken: string): Promise<{ session: SessionRecord; user: UserRecord }> {
      const session = await deps.sessions.findByTokenHash(deps.hashSecret(deviceToken));
      if (!session || session.revokedAt) {
        throw new DomainError("unauthorized", "This device is signed out. Sign in again, or ask the coordinator for a new pairing code.");
      }
      const user = await deps.users.findById(session.userId);
      if (!user) throw new DomainError("unauthorized", "This account no longer exists.");
      await deps.sessions.touch(session.id, deps.now());
      return { session, user };
    },

    async endSession(deviceToken: string): Promise<SessionRecord | null> {
      const session = await deps.sessions.findByTokenHash(deps.hashSecret(deviceToken));
      if (!session || session.revokedAt) return null;
      await deps.sessions.revoke(session.id, deps.now());
      return session;
    },

    async isSessionActive(sessionId: string): Promise<boolean> {
      const session = await deps.sessions.findById(sessionId);
      return session !== null && session.revokedAt === null;
    },

    async addResident(coordinatorId: string, circleId: string, name: string) {
      await requireCoordinator(coordinatorId, circleId);
      const user = await deps.users.createManaged(name);
      await deps.memberships.add({ circleId, userId: user.id, role: "resident", joinedAt: deps.now() });
      return { userId: user.id, name: user.name, role: "resident" as const };
    },

    /**
     * A pairing code signs a tablet in as the resident without a password, so it exists only for
     * managed resident accounts (created by a coordinator, no email, no password): never for a
     * person who has an account of their own, whatever role they hold in the circle.
     */
    async createPairingCode(coordinatorId: string, circleId: string, residentId: string) {
      await requireCoordinator(coordinatorId, circleId);
      const [resident, user] = await Promise.all([deps.memberships.find(circleId, residentId), deps.users.findById(residentId)]);
      if (resident?.role !== "resident" || !user?.isManaged) {
        throw new DomainError("validation_failed", "Pairing codes are only for residents that a coordinator added to this circle.");
      }
      const expiresAt = new Date(deps.now().getTime() + PAIRING_CODE_TTL_MINUTES * 60_000);
      const pairing = await deps.pairings.create({
        circleId,
        userId: residentId,
        code: deps.generatePairingCode(),
        createdBy: coordinatorId,
        expiresAt,
      });
      return { code: pairing.code, expiresAt: expiresAt.toISOString() };
    },

    /** The tablet side: one code, once, before it expires. */
    async pairDevice(code: string, deviceName: string | undefined) {
      const pairing = await deps.pairings.findByCode(code);
      if (!pairing) throw new DomainError("not_found", "This pairing code does not exist. Check the code with the coordinator.");
      if (pairing.expiresAt.getTime() <= deps.now().getTime()) {
        throw new DomainError("gone", "This pairing code has expired. Ask the coordinator for a new one.");
      }
      const membership = await deps.memberships.find(pairing.circleId, pairing.userId);
      const [user, circle] = await Promise.all([deps.users.findById(pairing.userId), deps.circles.findById(pairing.circleId)]);
      if (!membership || !user || !circle || membership.role !== "resident" || !user.isManaged) {
        throw new DomainError("gone", "This pairing code is no longer valid.");
      }
      if (!(await deps.pairings.redeem(pairing.circleId, pairing.id, deps.now()))) {
        throw new DomainError("gone", "This pairing code has already been used. Ask the coordinator for a new one.");
      }
      const { session, deviceToken } = await startSession(user, "tablet", deviceName ?? "Tablet");
      const circleView: Circle = { id: circle.id, name: circle.name, myRole: membership.role };
      return { session, deviceToken, user, circle: circleView };
    },

    /** Every signed-in device of the caller's own account (browsers and paired tablets), newest first. */
    async listMySessions(userId: string, currentSessionId: string | undefined): Promise<AccountSession[]> {
      const [browsers, tablets] = await Promise.all([
        deps.sessions.listForUsers([userId], "browser"),
        deps.sessions.listForUsers([userId], "tablet"),
      ]);
      return [...browsers, ...tablets]
        .filter((session) => session.userId === userId)
        .sort((a, b) => b.lastUsedAt.getTime() - a.lastUsedAt.getTime())
        .map((session) => ({ ...toDevice(session), kind: session.kind, isCurrent: session.id === currentSessionId }));
    },

    /** Signs one of the caller's own devices out; someone else's session is "not found". */
    async revokeMySession(userId: string, sessionId: string): Promise<SessionRecord> {
      const session = await deps.sessions.findById(sessionId);
      if (!session || session.userId !== userId) throw new DomainError("not_found", "No such device on your account.");
      if (!session.revokedAt) await deps.sessions.revoke(session.id, deps.now());
      return session;
    },

    /** The paired tablets of this circle's residents. */
    async listDevices(coordinatorId: string, circleId: string): Promise<Device[]> {
      await requireCoordinator(coordinatorId, circleId);
      const residents = (await deps.memberships.listForCircle(circleId)).filter((m) => m.role === "resident");
      const sessions = await deps.sessions.listForUsers(residents.map((m) => m.userId), "tablet");
      return sessions.map(toDevice);
    },

    async revokeDevice(coordinatorId: string, circleId: string, deviceId: string): Promise<SessionRecord> {
      await requireCoordinator(coordinatorId, circleId);
      const session = await deps.sessions.findById(deviceId);
      const membership = session ? await deps.memberships.find(circleId, session.userId) : null;
      if (!session || session.kind !== "tablet" || membership?.role !== "resident") {
        throw new DomainError("not_found", "No such device in this circle.");
      }
      await deps.sessions.revoke(session.id, deps.now());
      return session;
    },
  };
}
export type SessionsService = ReturnType<typeof createSessionsService>;
