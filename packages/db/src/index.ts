import type { Connection } from "mongoose";
import { registerModels } from "./models";
import { createRepositories } from "./repositories";
import { registerAlertsFeatureModels } from "./alerts/alerts.models";
import { createAlertsFeatureRepositories } from "./alerts/alerts.repositories";
import { registerCheckinModels } from "./checkin/checkin.models";
import { createCheckinRepositories } from "./checkin/checkin.repositories";
import { registerNotificationModels } from "./notifications/notifications.models";
import { createNotificationRepositories } from "./notifications/notifications.repositories";
import { registerSessionModels } from "./sessions/sessions.models";
import { createSessionRepositories } from "./sessions/sessions.repositories";

export { connectDatabase, pingDatabase, type Connection } from "./connection";
export { registerModels, type Models } from "./models";
export { createRepositories, type Repositories } from "./repositories";

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

/** Registers the models, builds their indexes (the unique ones carry correctness) and returns the repositories. */
export async function openRepositories(connection: Connection) {
  const models = { ...registerModels(connection), ...registerAlertModels(connection), ...registerSessionModels(connection) };
  await Promise.all(Object.values(models).map((model) => model.createIndexes()));
  return {
    models,
    repositories: { ...createRepositories(models), ...createAlertRepositories(models), ...createSessionRepositories(models) },
  };
}
