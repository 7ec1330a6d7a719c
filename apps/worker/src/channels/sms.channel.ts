import type { ChannelSender } from "@kring/domain";

/**
 * The generic SMS provider adapter: POST {to, text, id} as JSON to a configured URL with a bearer
 * token. Any provider (or a small relay in front of one) can accept this. Non-2xx throws, so the
 * job retries and ends as a dead letter.
 */
export function createSmsWebhookChannel(options: { url: string | undefined; token: string | undefined }): ChannelSender {
  return async ({ preferences, notification }) => {
    if (!options.url || !preferences.phone) return "skipped";
    const response = await fetch(options.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body: JSON.stringify({ to: preferences.phone, text: notification.text, id: notification.id }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`SMS webhook answered ${response.status}`);
    return "sent";
  };
}
