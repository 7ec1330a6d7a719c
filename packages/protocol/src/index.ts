export * from "./errors";
export * from "./common";
export * from "./auth.schemas";
export * from "./circles.schemas";
export * from "./messages.schemas";
export * from "./events.schemas";
