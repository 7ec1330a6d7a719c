import { createCircleRepositories } from "./circles/circles.repositories";
import { createInvitationRepositories } from "./invitations/invitations.repositories";
import { createMessageRepositories } from "./messages/messages.repositories";
import type { Models } from "./models";
import { createUserRepositories } from "./users/users.repositories";

/** The repositories of users, circles and memberships, invitations and messages, each from its feature folder. */
export function createRepositories(models: Models) {
  return {
    ...createUserRepositories(models),
    ...createCircleRepositories(models),
    ...createInvitationRepositories(models),
    ...createMessageRepositories(models),
  };
}
export type Repositories = ReturnType<typeof createRepositories>;
