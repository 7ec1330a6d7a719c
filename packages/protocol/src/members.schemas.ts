import { z } from "zod";
import { Id } from "./common";

/** `DELETE /api/circles/:id/members/:userId` (issue #11): a coordinator removes a member, or a member leaves. */
export const CircleMemberParams = z.strictObject({ id: Id, userId: Id });
export type CircleMemberParams = z.infer<typeof CircleMemberParams>;
