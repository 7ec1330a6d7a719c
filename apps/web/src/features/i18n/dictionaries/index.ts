import type { CoreKey } from "./core.en";
import type { StaffKey } from "./staff.en";

export type MessageKey = CoreKey | StaffKey;
/** The two halves of a language: `core` for the resident's first load, `staff` for everything else. */
export type DictionaryPart = "core" | "staff";
