/**
 * A limit shared by every server node (Redis-backed in production, see packages/redis
 * rate-limits.ts). `consume` throws DomainError("rate_limited", …, retryAfterMs) when the key is
 * over its limit; `reset` forgets a key (a successful login clears its failures).
 */
export interface RateLimit {
  consume(key: string): Promise<void>;
  reset(key: string): Promise<void>;
}
