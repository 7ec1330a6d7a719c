// What the server and the worker share to start up (see ARCHITECTURE.md, "Two composition roots").
export { runMain } from "./run-main";
export { loadVapidKeys, type VapidKeys } from "./vapid-keys";
export { createPagePathCaches, type PagePathCaches } from "./page-path-caches";
export { readThrough, type ReadThrough } from "./read-cache";
export { openAccessLog } from "./access-log";
export { openServices, type Services, type ServicesConfig, type StoredRepositories } from "./open-services";
