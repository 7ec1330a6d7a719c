export * from "./errors";
export * from "./ports";
export * from "./rate-limiter";
export * from "./circles.service";
export * from "./messages.service";
