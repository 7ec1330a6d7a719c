export { findFreePort } from "./free-port";
export {
  ensureFerretdbBinary,
  startFerretdb,
  type EnsureFerretdbBinaryOptions,
  type FerretdbBackend,
  type FerretdbHandle,
  type Log,
  type StartFerretdbOptions,
} from "./ferretdb.service";
export { redisPing, startRedis, type RedisHandle, type StartRedisOptions } from "./redis.service";
export { startServices, type Services, type StartServicesOptions } from "./services";
export type { ExitInfo } from "./managed-process";
export { startMailCatcher } from "./mail-catcher";
