/**
 * A fresh id for one typed message or raised alert. The server makes sends idempotent per
 * clientId, so the same id is reused on every resend of that one item.
 */
export function createClientId(): string {
  // randomUUID exists only in secure contexts; a tablet opening the app over plain http on a
  // home network is not one, so fall back to getRandomValues (available everywhere).
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
