import type { ChannelSender, PushSubscriptionRepository } from "@kring/domain";
import webpush from "web-push";

/**
 * Web Push with VAPID. web-push encrypts and signs (generateRequestDetails); we send with fetch so
 * that any http(s) push service works. 404/410 means the browser unsubscribed: the subscription is
 * deleted. The payload is an id and the neutral text only.
 */
export function createPushChannel(options: {
  subscriptions: PushSubscriptionRepository;
  vapid: { subject: string; publicKey: string; privateKey: string };
}): ChannelSender {
  return async ({ user, notification }) => {
    const subscriptions = await options.subscriptions.listForUser(user.id);
    if (subscriptions.length === 0) return "skipped";
    const payload = JSON.stringify({
      id: notification.id,
      kind: notification.kind,
      circleId: notification.circleId,
      alertId: notification.alertId,
      text: notification.text,
    });
    let delivered = 0;
    const failures: string[] = [];
    for (const subscription of subscriptions) {
      const request = webpush.generateRequestDetails({ endpoint: subscription.endpoint, keys: subscription.keys }, payload, {
        vapidDetails: options.vapid,
        // Alerts are useless late and must wake the phone; digests can wait a while.
        TTL: notification.urgent ? 300 : 6 * 3600,
        urgency: notification.urgent ? "high" : "normal",
        // A newer digest replaces an undelivered older one on the device.
        ...(notification.urgent ? {} : { topic: "kring-digest" }),
      });
      const response = await fetch(request.endpoint, {
        method: request.method,
        headers: request.headers as Record<string, string>,
        body: request.body as Buffer | null,
        signal: AbortSignal.timeout(10_000),
      }).catch((error: unknown) => ({ ok: false, status: 0, error }) as const);
      if (response.ok) {
        delivered += 1;
      } else if (response.status === 404 || response.status === 410) {
        await options.subscriptions.removeByEndpoint(subscription.endpoint);
      } else {
        failures.push(`push service answered ${response.status}`);
      }
    }
    // One device reached is enough; retrying would push twice to it.
    if (delivered === 0 && failures.length > 0) throw new Error(failures.join("; "));
    return delivered > 0 ? "sent" : "skipped";
  };
}
