import { type Connection, Types } from "mongoose";
import { registerCircleModels } from "./circles/circles.models";
import { registerInvitationModels } from "./invitations/invitations.models";
import { registerMessageModels } from "./messages/messages.models";
import { registerUserModels } from "./users/users.models";

// Schemas only: repositories map documents to the plain types in @kring/domain.
// Indexes are all plain or unique: no TTL or partial indexes, which FerretDB 1.24 lacks.

// Layout version 2 (issue #7): every collection here is addressed by `_id` alone. FerretDB 1.24 on
// SQLite serves only a filter that is exactly `{_id: value}` from an index and decodes the whole
// collection for anything else, so the key encodes the access path (see ARCHITECTURE.md,
// "Storage by key"). The only secondary indexes left are none: uniqueness comes from the keys.
export const LAYOUT_VERSION = 2;

/**
 * The models of users, circles (with memberships), invitations and messages, each from its feature
 * folder. They stay one group because `openRepositories` syncs their indexes (the others only
 * create theirs) and `createRepositories` builds their repositories together.
 */
export function registerModels(connection: Connection) {
  return {
    ...registerUserModels(connection),
    ...registerCircleModels(connection),
    ...registerInvitationModels(connection),
    ...registerMessageModels(connection),
  };
}
export type Models = ReturnType<typeof registerModels>;

export const toObjectId = (id: string) => new Types.ObjectId(id);
