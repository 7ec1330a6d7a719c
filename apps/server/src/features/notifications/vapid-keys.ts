import webpush from "web-push";

export type VapidKeys = { publicKey: string; privateKey: string };

/** Generated once per installation and kept in the database, so every node and the worker agree. */
export async function loadVapidKeys(getOrCreateSetting: <T>(name: string, create: () => T) => Promise<T>) {
  return getOrCreateSetting<VapidKeys>("vapid", () => webpush.generateVAPIDKeys());
}
