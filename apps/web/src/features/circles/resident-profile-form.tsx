import { ResidentProfileResponse, type Member, type ProfileLanguage } from "@kring/protocol";
import { useId, useState, type FormEvent } from "react";
import { api } from "../../lib/api";
import { FormError, FormField } from "../../ui/form-field";
import { errorKey } from "../../ui/error-text";
import { displayPhone } from "../alerts/resident-contact";
import { LanguageOptions } from "../i18n/language-switch";
import { useT } from "../i18n/use-t";
import { useCirclesStore } from "./circles.store";

/**
 * The coordinator keeps the resident's phone number, address and tablet language (issue #9). Family
 * and professionals see the phone and address on alerts; the tablet speaks the language set here.
 */
export function ResidentProfileForm({ circleId, resident }: { circleId: string; resident: Member }) {
  const { t } = useT();
  const headingId = useId();
  const languageId = useId();
  const [phone, setPhone] = useState(resident.profile?.phone ? displayPhone(resident.profile.phone) : "");
  const [address, setAddress] = useState(resident.profile?.address ?? "");
  const [language, setLanguage] = useState<ProfileLanguage | "">(resident.profile?.language ?? "");
  const [status, setStatus] = useState<"idle" | "saving" | "saved">("idle");
  const [phoneError, setPhoneError] = useState<string>();
  const [error, setError] = useState<string>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setStatus("saving");
    setError(undefined);
    setPhoneError(undefined);
    try {
      const { profile } = await api.put(
        `/api/circles/${circleId}/residents/${resident.userId}/profile`,
        { phone: phone.trim() || null, address: address.trim() || null, language: language || null },
        ResidentProfileResponse,
      );
      setPhone(profile.phone ? displayPhone(profile.phone) : "");
      setStatus("saved");
      void useCirclesStore.getState().loadMembers(circleId).catch(() => undefined);
    } catch (caught) {
      setStatus("idle");
      const key = errorKey(caught, { validation_failed: "errorPhoneInvalid" });
      if (key === "errorPhoneInvalid") setPhoneError(t(key));
      else setError(t(key));
    }
  };

  return (
    <form className="panel resident-profile-form" onSubmit={submit} noValidate aria-labelledby={headingId}>
      <h3 id={headingId}>{t("profileTitle", { name: resident.name })}</h3>
      <FormField
        label={t("profilePhone")}
        hint={t("profilePhoneHint")}
        type="tel"
        autoComplete="off"
        value={phone}
        maxLength={32}
        onChange={(event) => setPhone(event.target.value)}
        {...(phoneError ? { error: phoneError } : {})}
      />
      <FormField label={t("profileAddress")} autoComplete="off" value={address} maxLength={300} onChange={(event) => setAddress(event.target.value)} />
      <div className="field">
        <label htmlFor={languageId}>{t("profileLanguage")}</label>
        <select id={languageId} value={language} onChange={(event) => setLanguage(event.target.value as ProfileLanguage | "")}>
          <option value="">{t("profileLanguageDefault")}</option>
          <LanguageOptions />
        </select>
      </div>
      <button type="submit" className="button button-primary" disabled={status === "saving"}>
        {t("save")}
      </button>
      <p role="status">{status === "saved" ? t("saved") : ""}</p>
      <FormError text={error} />
    </form>
  );
}
