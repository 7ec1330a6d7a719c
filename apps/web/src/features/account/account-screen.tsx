import { MeResponse } from "@kring/protocol";
import { useId, useState, type FormEvent } from "react";
import { Page } from "../../navigation/page";
import { apiRequest, api } from "../../lib/api";
import { errorKey } from "../../ui/error-text";
import { FormField } from "../../ui/form-field";
import { LanguageOptions } from "../i18n/language-switch";
import { useI18nStore, type Language } from "../i18n/i18n.store";
import { useT } from "../i18n/use-t";
import { useSessionStore } from "../session/session.store";
import { AccountPrivacySection } from "../privacy/privacy-sections";

/**
 * My account (issue #11): name and language, the password, and "sign out everywhere else" (the
 * list of devices, one by one, stays on the notifications screen).
 */
export default function AccountScreen() {
  const { t } = useT();
  return (
    <Page title={t("accountTitle")} className="account-page">
      <ProfileSection />
      <PasswordSection />
      <SignOutEverywhereSection />
      <AccountPrivacySection />
    </Page>
  );
}

function ProfileSection() {
  const { t } = useT();
  const headingId = useId();
  const languageId = useId();
  const user = useSessionStore((state) => state.user);
  const currentLanguage = useI18nStore((state) => state.language);
  const [name, setName] = useState(user?.name ?? "");
  const [language, setLanguage] = useState<Language>(currentLanguage);
  const [status, setStatus] = useState<{ kind: "ok" | "error"; text: string }>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === "") {
      setStatus({ kind: "error", text: t("errorRequired") });
      return;
    }
    try {
      // The answer also carries the language; the one sent is the one stored.
      const { user: saved } = await apiRequest("PATCH", "/api/me", { body: { name, language }, schema: MeResponse });
      const session = useSessionStore.getState();
      if (session.user) useSessionStore.setState({ user: { ...session.user, name: saved.name } });
      setName(saved.name);
      await useI18nStore.getState().setLanguage(language);
      setStatus({ kind: "ok", text: t("saved") });
    } catch (caught) {
      setStatus({ kind: "error", text: t(errorKey(caught)) });
    }
  };

  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("accountProfileTitle")}</h2>
      <form onSubmit={submit} noValidate>
        <FormField label={t("accountName")} autoComplete="name" maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        <div className="field">
          <label htmlFor={languageId}>{t("language")}</label>
          <p id={`${languageId}-hint`} className="field-hint">
            {t("accountLanguageHint")}
          </p>
          <select id={languageId} aria-describedby={`${languageId}-hint`} value={language} onChange={(e) => setLanguage(e.target.value as Language)}>
            <LanguageOptions />
          </select>
        </div>
        <StatusLine status={status} />
        <button type="submit" className="button button-primary">
          {t("save")}
        </button>
      </form>
    </section>
  );
}

function PasswordSection() {
  const { t } = useT();
  const headingId = useId();
  const [currentPassword, setCurrentPassword] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const [isBusy, setIsBusy] = useState(false);
  const [status, setStatus] = useState<{ kind: "ok" | "error"; text: string }>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (currentPassword === "" || newPassword === "") {
      setStatus({ kind: "error", text: t("errorRequired") });
      return;
    }
    if (newPassword.length < 10) {
      setStatus({ kind: "error", text: t("errorPasswordShort") });
      return;
    }
    setIsBusy(true);
    try {
      await api.post("/api/me/password", { currentPassword, newPassword });
      setCurrentPassword("");
      setNewPassword("");
      setStatus({ kind: "ok", text: t("passwordChanged") });
    } catch (caught) {
      setStatus({ kind: "error", text: t(errorKey(caught, { forbidden: "errorCurrentPassword", validation_failed: "errorPasswordShort" })) });
    } finally {
      setIsBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("passwordChangeTitle")}</h2>
      <form onSubmit={submit} noValidate>
        <FormField
          label={t("currentPassword")}
          type="password"
          autoComplete="current-password"
          value={currentPassword}
          onChange={(e) => setCurrentPassword(e.target.value)}
        />
        <FormField label={t("newPassword")} type="password" autoComplete="new-password" value={newPassword} onChange={(e) => setNewPassword(e.target.value)} />
        <StatusLine status={status} />
        <button type="submit" className="button button-primary" disabled={isBusy}>
          {t("passwordChangeButton")}
        </button>
      </form>
    </section>
  );
}

function SignOutEverywhereSection() {
  const { t } = useT();
  const headingId = useId();
  const [status, setStatus] = useState<{ kind: "ok" | "error"; text: string }>();
  const signOutOthers = async () => {
    try {
      await api.delete("/api/me/sessions");
      setStatus({ kind: "ok", text: t("signOutEverywhereDone") });
    } catch (caught) {
      setStatus({ kind: "error", text: t(errorKey(caught)) });
    }
  };
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("signOutEverywhereTitle")}</h2>
      <p>{t("signOutEverywhereIntro")}</p>
      <StatusLine status={status} />
      <button type="button" className="button button-secondary" onClick={() => void signOutOthers()}>
        {t("signOutEverywhere")}
      </button>
    </section>
  );
}

function StatusLine({ status }: { status: { kind: "ok" | "error"; text: string } | undefined }) {
  if (!status) return null;
  return status.kind === "ok" ? (
    <p role="status" className="form-success">
      {status.text}
    </p>
  ) : (
    <p role="alert" className="form-error">
      {status.text}
    </p>
  );
}
