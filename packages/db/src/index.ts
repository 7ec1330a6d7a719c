import type { Connection } from "mongoose";
import { registerModels } from "./models";
import { createRepositories } from "./repositories";
import { registerAlertModels } from "./alerts.models";
import { createAlertRepositories } from "./alerts.repositories";
import { registerSessionModels } from "./sessions.models";
import { createSessionRepositories } from "./sessions.repositories";

export { connectDatabase, pingDatabase, type Connection } from "./connection";
export { registerModels, type Models } from "./models";
export { createRepositories, type Repositories } from "./repositories";
export { registerAlertModels, type AlertModels } from "./alerts.models";
export { createAlertRepositories, type AlertRepositories } from "./alerts.repositories";

/** Registers the models, builds their indexes (the unique ones carry correctness) and returns the repositories. */
export async function openRepositories(connection: Connection) {
  const models = { ...registerModels(connection), ...registerAlertModels(connection), ...registerSessionModels(connection) };
  await Promise.all(Object.values(models).map((model) => model.createIndexes()));
  return {
    models,
    repositories: { ...createRepositories(models), ...createAlertRepositories(models), ...createSessionRepositories(models) },
  };
}
