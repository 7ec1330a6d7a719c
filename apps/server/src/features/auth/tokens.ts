import { DomainError } from "@kring/domain";
import { jwtVerify, SignJWT } from "jose";

const AUDIENCE = "kring";

/** Short-lived HS256 access tokens whose subject is the user id. */
export function createTokenService(options: { secret: string; ttlSeconds: number }) {
  const key = new TextEncoder().encode(options.secret);
  return {
    /** `sessionId` ties the token to a device session, so revoking the device ends it at once. */
    issue(userId: string, sessionId?: string): Promise<string> {
      return new SignJWT(sessionId ? { sid: sessionId } : {})
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(userId)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${options.ttlSeconds}s`)
        .sign(key);
    },
    /** Returns the user id and expiry, or throws `unauthorized`. */
    async verify(token: string): Promise<{ userId: string; expiresAt: number; sessionId: string | null }> {
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ["HS256"], audience: AUDIENCE });
        if (typeof payload.sub !== "string" || !/^[0-9a-f]{24}$/.test(payload.sub) || !payload.exp) {
          throw new Error("bad subject");
        }
        const sessionId = typeof payload.sid === "string" && /^[0-9a-f]{24}$/.test(payload.sid) ? payload.sid : null;
        return { userId: payload.sub, expiresAt: payload.exp * 1000, sessionId };
      } catch {
        throw new DomainError("unauthorized", "Your session is missing or has expired. Please sign in again.");
      }
    },
  };
}
export type TokenService = ReturnType<typeof createTokenService>;
