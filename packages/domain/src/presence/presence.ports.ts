// What the pager asks of presence (packages/redis keeps it).

/** Whether a user has a connected socket anywhere (Redis-backed presence in production). */
export interface PresenceReader {
  isOnline(userId: string): Promise<boolean>;
}
