import webpush from "web-push";

export type VapidKeys = { publicKey: string; privateKey: string };

/**
 * The installation's Web Push keys: generated once and kept in the database, so every server node
 * (which hands out the public key) and the worker (which signs with the private one) agree.
 */
export function loadVapidKeys(getOrCreateSetting: <T>(name: string, create: () => T) => Promise<T>): Promise<VapidKeys> {
  return getOrCreateSetting<VapidKeys>("vapid", () => webpush.generateVAPIDKeys());
}
