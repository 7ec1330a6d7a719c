import {
  CircleResponse,
  InvitationPreviewResponse,
  InvitationResponse,
  InvitationsResponse,
  PresenceResponse,
  type CircleWithUnread,
  type InvitationPreview,
  type InvitationRole,
  normaliseCode,
} from "@kring/protocol";
import { api } from "../../lib/api";
import { useCirclesStore } from "./circles.store";

// Family and staff actions on circles. They live outside the store so that the resident's
// first load (which only reads circles) does not carry them.

export async function createCircle(name: string): Promise<CircleWithUnread> {
  const { circle } = await api.post("/api/circles", { name }, CircleResponse);
  const created = { ...circle, unread: 0 };
  useCirclesStore.setState((state) => ({ circles: [...state.circles, created] }));
  // The server says which threads the creator may read (unreadTeam): the care-team tab follows it.
  void useCirclesStore.getState().loadCircles().catch(() => undefined);
  return created;
}


/** Which circle and role a code is for, shown before the person joins. */
export async function previewInvitation(code: string): Promise<InvitationPreview> {
  const { invitation } = await api.get(`/api/invitations/${encodeURIComponent(normaliseCode(code))}`, InvitationPreviewResponse);
  return invitation;
}

export async function acceptInvitation(code: string): Promise<CircleWithUnread> {
  const normalized = normaliseCode(code);
  const { circle } = await api.post(`/api/invitations/${encodeURIComponent(normalized)}/accept`, undefined, CircleResponse);
  const joined = { ...circle, unread: 0 };
  useCirclesStore.setState((state) => ({ circles: [...state.circles.filter((c) => c.id !== circle.id), joined] }));
  // Its history counts as unread for a newcomer; the server knows how much.
  void useCirclesStore.getState().loadCircles().catch(() => undefined);
  return joined;
}

export function createInvitation(circleId: string, role: InvitationRole): Promise<InvitationResponse> {
  return api.post(`/api/circles/${circleId}/invitations`, { role }, InvitationResponse);
}

/** The circle's pending invitations, newest first (coordinators). */
export async function listInvitations(circleId: string): Promise<InvitationResponse[]> {
  return (await api.get(`/api/circles/${circleId}/invitations`, InvitationsResponse)).invitations;
}

/** Withdraws a code: whoever has it can no longer join with it. */
export async function revokeInvitation(circleId: string, code: string): Promise<void> {
  await api.delete(`/api/circles/${circleId}/invitations/${encodeURIComponent(code)}`);
}

/** Kring mails the link to `email`, in `language`. */
export async function emailInvitation(circleId: string, code: string, email: string, language: string): Promise<void> {
  await api.post(`/api/circles/${circleId}/invitations/${encodeURIComponent(code)}/email`, { email, language });
}

export async function loadPresence(circleId: string): Promise<void> {
  const { presence } = await api.get(`/api/circles/${circleId}/presence`, PresenceResponse);
  useCirclesStore.setState((state) => ({
    presenceByCircle: { ...state.presenceByCircle, [circleId]: Object.fromEntries(presence.map((p) => [p.userId, p])) },
  }));
}
