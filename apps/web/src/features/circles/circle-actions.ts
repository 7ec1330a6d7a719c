import {
  CircleResponse,
  InvitationPreviewResponse,
  InvitationResponse,
  PresenceResponse,
  type CircleWithUnread,
  type InvitationPreview,
  type InvitationRole,
} from "@kring/protocol";
import { api } from "../../lib/api";
import { useCirclesStore } from "./circles.store";

// Family and staff actions on circles. They live outside the store so that the resident's
// first load (which only reads circles) does not carry them.

export async function createCircle(name: string): Promise<CircleWithUnread> {
  const { circle } = await api.post("/api/circles", { name }, CircleResponse);
  const created = { ...circle, unread: 0 };
  useCirclesStore.setState((state) => ({ circles: [...state.circles, created] }));
  return created;
}

const normaliseCode = (code: string) => code.replace(/[\s-]/g, "").toUpperCase();

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

export async function loadPresence(circleId: string): Promise<void> {
  const { presence } = await api.get(`/api/circles/${circleId}/presence`, PresenceResponse);
  useCirclesStore.setState((state) => ({
    presenceByCircle: { ...state.presenceByCircle, [circleId]: Object.fromEntries(presence.map((p) => [p.userId, p])) },
  }));
}
