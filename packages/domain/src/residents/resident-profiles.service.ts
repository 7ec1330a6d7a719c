import type { Member, ResidentProfile, ResidentProfileBody, Role } from "@kring/protocol";
import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/min";
import { requireMembership } from "../circles/circles.service";
import { DomainError } from "../errors";
import type { MembershipRepository } from "../circles/circles.ports";
import type { ResidentProfileRecord, ResidentProfileRepository } from "./residents.ports";

/**
 * Who may read a resident's phone number and address (issue #9): the people who may have to go
 * there. Never a volunteer (a role that may come), and not needed on the resident's own screen.
 */
export function canSeeResidentProfile(role: Role | string): boolean {
  return role === "family" || role === "professional" || role === "coordinator";
}

/**
 * A phone number typed the way people write it ("0470 12 34 56", "+32 470 12 34 56") → E.164, or
 * null when it is not a possible number. National numbers are read in `country` (Belgium until
 * circles carry a country).
 */
export function normalisePhone(input: string, country: CountryCode = "BE"): string | null {
  const parsed = parsePhoneNumberFromString(input, country);
  return parsed?.isValid() ? parsed.number : null;
}

export type ResidentProfilesDependencies = {
  memberships: MembershipRepository;
  residentProfiles: ResidentProfileRepository;
  now: () => Date;
};

function toProfile(userId: string, record: ResidentProfileRecord | null): ResidentProfile {
  return {
    userId,
    phone: record?.phone ?? null,
    address: record?.address ?? null,
    language: record?.language ?? null,
    updatedAt: record?.updatedAt.toISOString() ?? null,
  };
}

const emptyToNull = (value: string | null) => (value === null || value === "" ? null : value);

export function createResidentProfilesService(deps: ResidentProfilesDependencies) {
  async function requireResident(circleId: string, userId: string) {
    const resident = await deps.memberships.find(circleId, userId);
    if (resident?.role !== "resident") throw new DomainError("not_found", "This circle has no such resident.");
  }

  return {
    /** Family, professionals, coordinators, and the resident themself (the tablet reads its language). */
    async getProfile(callerId: string, circleId: string, residentId: string): Promise<ResidentProfile> {
      const caller = await requireMembership(deps.memberships, circleId, callerId);
      if (callerId !== residentId && !canSeeResidentProfile(caller.role)) {
        throw new DomainError("forbidden", "Only family, professionals and coordinators see a resident's details.");
      }
      await requireResident(circleId, residentId);
      return toProfile(residentId, await deps.residentProfiles.find(circleId, residentId));
    },

    /** Coordinators only. Fields left out stay; null or "" clears. */
    async saveProfile(callerId: string, circleId: string, residentId: string, body: ResidentProfileBody): Promise<ResidentProfile> {
      const caller = await requireMembership(deps.memberships, circleId, callerId);
      if (caller.role !== "coordinator") {
        throw new DomainError("forbidden", "Only a coordinator of this circle can change a resident's details.");
      }
      await requireResident(circleId, residentId);
      let phone: string | null | undefined = body.phone === undefined ? undefined : emptyToNull(body.phone);
      if (phone) {
        const normalised = normalisePhone(phone);
        if (!normalised) {
          throw new DomainError("validation_failed", "Invalid input (phone: not a phone number; write it as 0470 12 34 56 or +32 470 12 34 56).");
        }
        phone = normalised;
      }
      const current = await deps.residentProfiles.find(circleId, residentId);
      const record: ResidentProfileRecord = {
        circleId,
        userId: residentId,
        phone: phone === undefined ? (current?.phone ?? null) : phone,
        address: body.address === undefined ? (current?.address ?? null) : emptyToNull(body.address),
        language: body.language === undefined ? (current?.language ?? null) : body.language,
        updatedAt: deps.now(),
      };
      await deps.residentProfiles.save(record);
      return toProfile(residentId, record);
    },

    /**
     * The member list with each resident's profile, for callers allowed to see it (one point read
     * per resident; a circle has one or two).
     */
    async attachProfiles(callerId: string, circleId: string, members: Member[]): Promise<Member[]> {
      const caller = await requireMembership(deps.memberships, circleId, callerId);
      if (!canSeeResidentProfile(caller.role)) return members;
      return Promise.all(
        members.map(async (member) =>
          member.role === "resident"
            ? { ...member, profile: toProfile(member.userId, await deps.residentProfiles.find(circleId, member.userId)) }
            : member,
        ),
      );
    },
  };
}
export type ResidentProfilesService = ReturnType<typeof createResidentProfilesService>;
