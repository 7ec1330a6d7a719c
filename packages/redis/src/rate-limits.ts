import { DomainError, type RateLimit } from "@kring/domain";
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

// Limits that hold across every server node, in Redis, one atomic round trip per check:
// - "N attempts per window" limits (login, pairing, raises…) use rate-limiter-flexible's fixed
//   windows; if Redis is unreachable each node falls back to an in-memory limiter of the same size,
//   so an outage neither blocks everyone nor lifts the limits;
// - conversation limits (send, typing) are token buckets (a burst, then a steady rate), which
//   rate-limiter-flexible does not offer: a GCRA script of a few lines keeps one timestamp per key.

export type LimitSpec = {
  /** How many actions per window. */
  points: number;
  windowSeconds: number;
  /** What the person reads when they hit it; says what to do. */
  message: string;
};

function createRedisRateLimit(redis: Redis, keyPrefix: string, spec: LimitSpec): RateLimit {
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix,
    points: spec.points,
    duration: spec.windowSeconds,
    insuranceLimiter: new RateLimiterMemory({ points: spec.points, duration: spec.windowSeconds }),
  });
  return {
    async consume(key) {
      try {
        await limiter.consume(key);
      } catch (error) {
        if (error instanceof RateLimiterRes) {
          throw new DomainError("rate_limited", spec.message, { retryAfterMs: Math.max(1, Math.ceil(error.msBeforeNext)) });
        }
        throw error;
      }
    },
    async reset(key) {
      await limiter.delete(key).catch(() => undefined);
    },
  };
}

/**
 * Generic cell rate algorithm: the key holds the "theoretical arrival time" (TAT). A request at
 * `now` is allowed while TAT - now <= (burst - 1) * interval, and moves TAT on by one interval.
 * KEYS[1] key; ARGV interval ms, burst, now ms. Returns 0 when allowed, else ms to wait.
 */
const GCRA_SCRIPT = `
local interval = tonumber(ARGV[1])
local tolerance = interval * (tonumber(ARGV[2]) - 1)
local now = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
if tat - now > tolerance then return math.ceil(tat - now - tolerance) end
redis.call('SET', KEYS[1], tostring(tat + interval), 'PX', math.ceil(tat + interval - now) + 1000)
return 0
`;

function createTokenBucket(redis: Redis, key: string, spec: { ratePerSecond: number; burst: number; message: string }): RateLimit {
  const intervalMs = 1000 / spec.ratePerSecond;
  return {
    async consume(id) {
      const waitMs = Number(await redis.eval(GCRA_SCRIPT, 1, `${key}:${id}`, String(intervalMs), String(spec.burst), String(Date.now())));
      if (waitMs > 0) throw new DomainError("rate_limited", spec.message, { retryAfterMs: waitMs });
    },
    async reset(id) {
      await redis.del(`${key}:${id}`);
    },
  };
}

/** Every limit Kring enforces, by what it protects. Sizes come from config where an operator may tune them. */
export function createRateLimits(
  redis: Redis,
  prefix: string,
  options: {
    sendRatePerSecond: number;
    sendBurst: number;
    authRatePerMinute: number;
    /** Other sizes for some limits: load benchmarks and tests that are about something else. */
    rateLimitOverrides?: Partial<Record<string, Pick<LimitSpec, "points" | "windowSeconds">>> | undefined;
  },
) {
  const limit = (name: string, spec: LimitSpec) =>
    createRedisRateLimit(redis, `${prefix}:limit:${name}`, { ...spec, ...options.rateLimitOverrides?.[name] });
  return {
    /** message:send per user: a burst of `sendBurst`, then `sendRatePerSecond`. */
    send: createTokenBucket(redis, `${prefix}:limit:send`, {
      ratePerSecond: options.sendRatePerSecond,
      burst: options.sendBurst,
      message: "You are sending very fast. Wait a moment, then send again.",
    }),
    typing: createTokenBucket(redis, `${prefix}:limit:typing`, { ratePerSecond: 1, burst: 3, message: "Typing notices are limited." }),
    /** A resident may press Help again (a resend with the same clientId is free only once stored). */
    alertRaise: limit("alert-raise", {
      points: 5,
      windowSeconds: 60,
      message: "Help was asked several times in a minute; the circle has been alerted. Wait a moment before asking again.",
    }),
    alertClaim: limit("alert-claim", { points: 30, windowSeconds: 60, message: "Too many alert actions. Wait a moment and try again." }),
    checkin: limit("checkin", { points: 10, windowSeconds: 60, message: "Check-in was already sent. Wait a moment and try again." }),
    sync: limit("sync", { points: 120, windowSeconds: 10, message: "Too many catch-up requests. Wait a moment; your client will try again." }),
    invitation: limit("invitation", { points: 10, windowSeconds: 600, message: "Too many invitation codes tried. Wait ten minutes and try again." }),
    /** Invitation mails a coordinator asks Kring to send: enough for a family, too few to spam with. */
    invitationEmail: limit("invitation-email", { points: 20, windowSeconds: 3600, message: "Too many invitation emails. Wait an hour and try again." }),
    /** Register, login, device-token and pairing per client address. */
    authAddress: limit("auth-address", {
      points: options.authRatePerMinute,
      windowSeconds: 60,
      message: "Too many attempts from this address. Wait a minute and try again.",
    }),
    /** Password reset mails per address asked about (issue #11): the same answer for every address. */
    passwordResetEmail: limit("password-reset-email", { points: 5, windowSeconds: 3600, message: "Too many reset requests for this address. Wait an hour and try again." }),
    /** Sign-in attempts per account (email), from any address; a successful sign-in clears it. */
    loginAccount: limit("login-account", {
      points: 10,
      windowSeconds: 15 * 60,
      message: "Too many sign-in attempts for this account. Wait 15 minutes and try again.",
    }),
    /** Pairing attempts across all addresses, so rotating addresses can't guess codes. */
    pairingGlobal: limit("pairing-global", {
      points: 120,
      windowSeconds: 60,
      message: "Too many pairing attempts. Wait a minute and try again.",
    }),
    /** Attempts on one pairing code (a code typed wrong a few times is fine; guessing is not). */
    pairingCode: limit("pairing-code", { points: 10, windowSeconds: 30 * 60, message: "This code was tried too often. Ask the coordinator for a new one." }),
  };
}
export type RateLimits = ReturnType<typeof createRateLimits>;

/**
 * Calendar feeds (issue #10): `GET /calendar/<token>.ics` has no session, so it is limited per
 * address and per token. Calendar apps refresh at most hourly; 30 a minute leaves room for a
 * person's several devices behind one address, and stops a guesser or a runaway client.
 */
export function createCalendarFeedLimits(redis: Redis, prefix: string) {
  const message = "Too many calendar requests. Your calendar will try again later.";
  return {
    perAddress: createRedisRateLimit(redis, `${prefix}:limit:calendar-feed-address`, { points: 30, windowSeconds: 60, message }),
    perToken: createRedisRateLimit(redis, `${prefix}:limit:calendar-feed-token`, { points: 20, windowSeconds: 60, message }),
  };
}
