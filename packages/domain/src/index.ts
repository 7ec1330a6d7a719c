export * from "./errors";
export * from "./ports";
export * from "./rate-limiter";
export * from "./circles.service";
export * from "./messages.service";
export * from "./local-time";
export * from "./alerts.service";
export * from "./notifications.service";
