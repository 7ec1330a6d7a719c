import type { Alert, Member, ResidentProfile } from "@kring/protocol";
import { useT } from "../i18n/use-t";

/**
 * The person an alert is about: whoever raised it when that is the circle's resident, else the
 * circle's (first) resident, e.g. for a missed check-in. Their profile is in the member list only
 * for the roles allowed to see it (family, professionals, coordinators).
 */
export function alertResident(alert: Alert, members: Member[] | undefined): Member | undefined {
  const residents = (members ?? []).filter((m) => m.role === "resident");
  return residents.find((m) => m.userId === alert.raisedBy) ?? residents[0];
}

/** "+32 470 12 34 56" from E.164 for Belgian numbers; others as stored. */
export function displayPhone(phone: string): string {
  const belgian = /^\+32(4\d{2})(\d{2})(\d{2})(\d{2})$/.exec(phone);
  return belgian ? `+32 ${belgian.slice(1).join(" ")}` : phone;
}

/** Phone (a `tel:` link) and address of the resident, when known and visible to this member. */
export function ResidentContact({ resident, className }: { resident: Member | undefined; className?: string }) {
  const { t } = useT();
  const profile: ResidentProfile | undefined = resident?.profile;
  if (!resident || !profile || (!profile.phone && !profile.address)) return null;
  return (
    <p className={className ?? "resident-contact"}>
      {profile.phone ? (
        <a className="resident-phone" href={`tel:${profile.phone}`}>
          {t("callResident", { name: resident.name, phone: displayPhone(profile.phone) })}
        </a>
      ) : null}
      {profile.address ? <span className="resident-address">{t("residentAddress", { address: profile.address })}</span> : null}
    </p>
  );
}
