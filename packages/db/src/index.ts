import type { Connection } from "mongoose";
import { LAYOUT_VERSION, registerModels } from "./models";
import { createRepositories } from "./repositories";
import { registerAlertsFeatureModels } from "./alerts/alerts.models";
import { createAlertsFeatureRepositories } from "./alerts/alerts.repositories";
import { registerCheckinModels } from "./checkin/checkin.models";
import { createCheckinRepositories } from "./checkin/checkin.repositories";
import { registerNotificationModels } from "./notifications/notifications.models";
import { createNotificationRepositories } from "./notifications/notifications.repositories";
import { registerSessionModels } from "./sessions/sessions.models";
import { createSessionRepositories } from "./sessions/sessions.repositories";
import { registerResidentModels } from "./residents/residents.models";
import { createResidentRepositories } from "./residents/residents.repositories";
import { registerPhotoModels } from "./photos/photos.models";
import { createPhotoRepositories } from "./photos/photos.repositories";
import { registerCalendarFeedModels } from "./calendar-feeds/calendar-feeds.models";
import { createCalendarFeedRepositories } from "./calendar-feeds/calendar-feeds.repositories";
import { registerVisitModels } from "./visits/visits.models";
import { createVisitRepositories } from "./visits/visits.repositories";
import { registerPrivacyModels } from "./privacy/privacy.models";
import { createPrivacyRepositories } from "./privacy/privacy.repositories";
import { registerAccountModels } from "./account/account.models";
import { createAccountRepositories } from "./account/account.repositories";

export { connectDatabase, pingDatabase, type Connection } from "./connection";
export { registerModels, type Models, LAYOUT_VERSION } from "./models";
export { messageKey, clientIdClaimKey, readMarkerKey } from "./messages/messages.models";
export { emailKey } from "./users/users.models";
export { pairId } from "./circles/circles.models";
export { createRepositories, type Repositories } from "./repositories";
export { alertIdFor } from "./alerts/alerts.repositories";
export { registerResidentModels, createResidentRepositories };
export { registerPhotoModels, createPhotoRepositories, registerCalendarFeedModels, createCalendarFeedRepositories };
export { registerVisitModels, createVisitRepositories };
export { registerPrivacyModels, createPrivacyRepositories };

/** The models of alerts, check-in and notifications (issue #3), each from its feature folder. */
export function registerAlertModels(connection: Connection) {
  return {
    ...registerAlertsFeatureModels(connection),
    ...registerCheckinModels(connection),
    ...registerNotificationModels(connection),
  };
}
export type AlertModels = ReturnType<typeof registerAlertModels>;

export function createAlertRepositories(models: AlertModels) {
  return {
    ...createAlertsFeatureRepositories(models),
    ...createCheckinRepositories(models),
    ...createNotificationRepositories(models),
  };
}
export type AlertRepositories = ReturnType<typeof createAlertRepositories>;

/**
 * The stored layout's version, in `settings` under `_id: "schema"` (the same shape as the other
 * settings: `{value: {version}}`). A database without it that holds messages, or with an older
 * version, was written by the earlier layout, which this code cannot read: nothing migrates it
 * (nothing was deployed), so we say so loudly and leave the stored version alone.
 */
async function checkLayout(connection: Connection): Promise<string[]> {
  const settings = connection.collection<{ _id: string; value: { version?: number } }>("settings");
  const stored = await settings.findOne({ _id: "schema" });
  const version = stored?.value?.version;
  if (version === undefined) {
    // Maintenance at open, not a request path: an estimate reads collection metadata only.
    const oldMessages = await connection.collection("messages").estimatedDocumentCount().catch(() => 0);
    if (oldMessages > 0) {
      return [
        `the database holds ${oldMessages} messages of an earlier storage layout (no schema version); ` +
          `layout ${LAYOUT_VERSION} cannot read them and does not migrate them: start on an empty database`,
      ];
    }
    await settings.insertOne({ _id: "schema", value: { version: LAYOUT_VERSION } }).catch(() => undefined);
    return [];
  }
  if (version < LAYOUT_VERSION) {
    return [`the database's storage layout is version ${version}; this code writes version ${LAYOUT_VERSION} and does not migrate`];
  }
  return [];
}

/**
 * Registers the models, syncs their indexes and returns the repositories. The messaging models
 * get `syncIndexes`, which also drops indexes of the earlier layout that nothing uses any more
 * (every access is by `_id` now); the other models keep `createIndexes`.
 */
export async function openRepositories(connection: Connection) {
  const own = registerModels(connection);
  const models = { ...own, ...registerAlertModels(connection), ...registerSessionModels(connection), ...registerResidentModels(connection), ...registerPhotoModels(connection), ...registerVisitModels(connection), ...registerCalendarFeedModels(connection), ...registerPrivacyModels(connection), ...registerAccountModels(connection) };
  const layoutWarnings = await checkLayout(connection);
  const { Message, ClientIdClaim, ...others } = own;
  await Promise.all([
    // One after the other: they share the messages collection, and two concurrent syncs would both
    // try to drop the same old index.
    Message.syncIndexes().then(() => ClientIdClaim.syncIndexes()),
    ...Object.values(others).map((model) => model.syncIndexes()),
    ...Object.entries(models)
      .filter(([name]) => !(name in own))
      .map(([, model]) => model.createIndexes()),
  ]);
  return {
    models,
    layoutWarnings,
    repositories: {
      ...createRepositories(models),
      ...createAlertRepositories(models),
      ...createSessionRepositories(models),
      ...createResidentRepositories(models),
      ...createPhotoRepositories(models),
      ...createCalendarFeedRepositories(models),
      ...createVisitRepositories(models),
      ...createPrivacyRepositories(models),
      ...createAccountRepositories(models),
    },
  };
}
