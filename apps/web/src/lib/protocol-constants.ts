// Constants of @kring/protocol that code on the resident's tablet uses, copied here: importing a
// value from @kring/protocol runs its schema modules, which brings zod (~23 KB gzipped) into the
// tablet's first load (see answer-shapes.ts). protocol-constants.test.ts holds them equal.

export const HISTORY_LIMIT_MAX = 100;
export const HISTORY_LIMIT_DEFAULT = 50;
export const ALERT_CANCEL_WINDOW_MS = 5 * 60_000;
