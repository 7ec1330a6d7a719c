import type { ChannelSender, PushSubscriptionRepository } from "@kring/domain";
import { type AddressPolicy, createPublicOnlyLookup, NonPublicAddressError } from "@kring/outbound";
import https from "node:https";
import webpush from "web-push";

/** How the push channel reaches push services; tests point it at a local https service. */
export type PushTransport = AddressPolicy & {
  /** Extra certificate authority to trust (the local test service's self-signed certificate). */
  ca?: string;
};

type PushOutcome = { kind: "delivered" } | { kind: "gone" } | { kind: "refused" } | { kind: "unreachable" } | { kind: "not_public" };

/**
 * Web Push with VAPID. web-push encrypts and signs (generateRequestDetails); we send the request
 * ourselves with https.request so that (1) only https endpoints are contacted, (2) the connection
 * goes only to public internet addresses, checked on the resolved address at connect time, and
 * (3) redirects are never followed. The payload is an id and the neutral text only.
 *
 * 404/410 means the browser unsubscribed, and an endpoint that resolves to a non-public address is
 * not a push service: both subscriptions are deleted. Failures are recorded with a neutral reason,
 * never the remote service's status or body (which would turn the dead letters into a window on
 * whatever answered).
 */
export function createPushChannel(options: {
  subscriptions: PushSubscriptionRepository;
  vapid: { subject: string; publicKey: string; privateKey: string };
  transport?: PushTransport;
}): ChannelSender {
  const lookup = createPublicOnlyLookup(options.transport);
  const ca = options.transport?.ca;

  function post(request: webpush.RequestDetails): Promise<PushOutcome> {
    let url: URL;
    try {
      url = new URL(request.endpoint);
    } catch {
      return Promise.resolve({ kind: "not_public" });
    }
    if (url.protocol !== "https:") return Promise.resolve({ kind: "not_public" });
    return new Promise((resolve) => {
      const req = https.request(
        url,
        {
          method: request.method,
          headers: request.headers as Record<string, string>,
          lookup,
          timeout: 10_000,
          ...(ca ? { ca } : {}),
        },
        (res) => {
          res.resume(); // the body is never read: nothing of the remote answer is kept
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve({ kind: "delivered" });
          else if (status === 404 || status === 410) resolve({ kind: "gone" });
          else resolve({ kind: "refused" }); // including 3xx: redirects are not followed
        },
      );
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", (error) => resolve(error instanceof NonPublicAddressError ? { kind: "not_public" } : { kind: "unreachable" }));
      req.end(request.body ?? undefined);
    });
  }

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
    const failures = new Set<string>();
    for (const subscription of subscriptions) {
      const request = webpush.generateRequestDetails({ endpoint: subscription.endpoint, keys: subscription.keys }, payload, {
        vapidDetails: options.vapid,
        // Alerts are useless late and must wake the phone; digests can wait a while.
        TTL: notification.urgent ? 300 : 6 * 3600,
        urgency: notification.urgent ? "high" : "normal",
        // A newer digest replaces an undelivered older one on the device.
        ...(notification.urgent ? {} : { topic: "kring-digest" }),
      });
      const outcome = await post(request);
      if (outcome.kind === "delivered") delivered += 1;
      else if (outcome.kind === "gone" || outcome.kind === "not_public") await options.subscriptions.removeByEndpoint(subscription.endpoint);
      else failures.add(outcome.kind === "refused" ? "the push service did not accept the notification" : "the push service could not be reached");
    }
    // One device reached is enough; retrying would push twice to it.
    if (delivered === 0 && failures.size > 0) throw new Error([...failures].join("; "));
    return delivered > 0 ? "sent" : "skipped";
  };
}
