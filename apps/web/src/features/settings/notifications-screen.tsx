import { NotificationPreferencesResponse, type NotificationPreferences } from "@kring/protocol";
import { useEffect, useId, useState, type FormEvent } from "react";
import { Link } from "../../navigation/link";
import { Page } from "../../navigation/page";
import { paths } from "../../navigation/router";
import { api } from "../../lib/api";
import { errorKey } from "../../ui/error-text";
import { FormError, FormField } from "../../ui/form-field";
import { useI18nStore, type Language } from "../i18n/i18n.store";
import { LanguageOptions } from "../i18n/language-switch";
import { useT } from "../i18n/use-t";
import { AlertDeviceSection } from "./alert-device-section";
import { DevicesSection } from "./devices-section";
import { disablePush, enablePush, readPushState, type PushState } from "./push";

export default function NotificationsScreen() {
  const { t } = useT();
  return (
    <Page title={t("notificationsTitle")}>
      {/* On a phone the header has no room for the name that links there (issue #11). */}
      <p>
        <Link to={paths.account}>{t("accountTitle")}</Link>
      </p>
      <PushSection />
      <AlertDeviceSection />
      <PreferencesForm />
      <DevicesSection />
    </Page>
  );
}

function PushSection() {
  const { t } = useT();
  const headingId = useId();
  const [state, setState] = useState<PushState>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    void readPushState().then(setState, () => setState("unsupported"));
  }, []);
  const toggle = async () => {
    setError(undefined);
    try {
      setState(state === "on" ? await disablePush() : await enablePush());
    } catch (caught) {
      setError(t("pushFailed", { error: caught instanceof Error ? caught.message : String(caught) }));
    }
  };
  const text =
    state === "unsupported" ? t("pushUnsupported") : state === "denied" ? t("pushDenied") : state === "on" ? t("pushOn") : t("pushOff");
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("pushTitle")}</h2>
      <p role="status">{state ? text : t("loading")}</p>
      {state === "on" || state === "off" ? (
        <button type="button" className="button button-primary" onClick={() => void toggle()}>
          {state === "on" ? t("pushDisable") : t("pushEnable")}
        </button>
      ) : null}
      <FormError text={error} />
    </section>
  );
}

function PreferencesForm() {
  const { t } = useT();
  const headingId = useId();
  const quietId = useId();
  const languageId = useId();
  const uiLanguage = useI18nStore((state) => state.language);
  const [preferences, setPreferences] = useState<NotificationPreferences>();
  const [phone, setPhone] = useState("");
  const [phoneError, setPhoneError] = useState<string>();
  const [status, setStatus] = useState<{ text: string; isError: boolean }>();

  useEffect(() => {
    void api.get("/api/me/notification-preferences", NotificationPreferencesResponse).then(
      ({ preferences: loaded }) => {
        setPreferences(loaded);
        setPhone(loaded.phone ?? "");
      },
      (caught: unknown) => setStatus({ text: t(errorKey(caught)), isError: true }),
    );
    // Loaded once; the translator changing must not refetch.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  if (!preferences) return status ? <p className="form-error">{status.text}</p> : <p role="status">{t("loading")}</p>;

  const setChannel = (channel: keyof NotificationPreferences["channels"], value: boolean) =>
    setPreferences({ ...preferences, channels: { ...preferences.channels, [channel]: value } });
  const quiet = preferences.quietHours;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const typed = phone.trim();
    if (typed === "" && preferences.channels.sms) {
      setPhoneError(t("errorPhone"));
      return;
    }
    setPhoneError(undefined);
    try {
      // The server reads national numbers ("0470 12 34 56") in the circle's country and answers E.164.
      const saved = await api.put(
        "/api/me/notification-preferences",
        { ...preferences, phone: typed === "" ? null : typed },
        NotificationPreferencesResponse,
      );
      setPreferences(saved.preferences);
      setPhone(saved.preferences.phone ?? "");
      setStatus({ text: t("saved"), isError: false });
    } catch (caught) {
      // The only field the server can refuse here is the number.
      const key = errorKey(caught, { validation_failed: "errorPhone" });
      if (key === "errorPhone") setPhoneError(t(key));
      setStatus({ text: t(key), isError: true });
    }
  };

  return (
    <form className="panel" onSubmit={submit} noValidate aria-labelledby={headingId}>
      <h2 id={headingId}>{t("channelsTitle")}</h2>
      <fieldset className="checkbox-group">
        <legend className="visually-hidden">{t("channelsTitle")}</legend>
        {(["push", "email", "sms"] as const).map((channel) => (
          <Checkbox
            key={channel}
            label={t(channel === "push" ? "channelPush" : channel === "email" ? "channelEmail" : "channelSms")}
            checked={preferences.channels[channel]}
            onChange={(value) => setChannel(channel, value)}
          />
        ))}
      </fieldset>
      <FormField
        label={t("phone")}
        hint={t("phoneHint")}
        type="tel"
        autoComplete="tel"
        value={phone}
        onChange={(event) => setPhone(event.target.value)}
        error={phoneError}
      />
      <h2 id={quietId}>{t("quietHoursTitle")}</h2>
      <p>{t("quietHoursIntro")}</p>
      <Checkbox
        label={t("quietHoursEnabled")}
        checked={quiet !== null}
        onChange={(value) =>
          setPreferences({
            ...preferences,
            quietHours: value ? { start: "22:00", end: "07:00", timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone } : null,
          })
        }
      />
      {quiet ? (
        <div className="inline-fields">
          <FormField
            label={t("quietFrom")}
            type="time"
            value={quiet.start}
            onChange={(event) => setPreferences({ ...preferences, quietHours: { ...quiet, start: event.target.value } })}
          />
          <FormField
            label={t("quietUntil")}
            type="time"
            value={quiet.end}
            onChange={(event) => setPreferences({ ...preferences, quietHours: { ...quiet, end: event.target.value } })}
          />
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={languageId}>{t("notificationLanguage")}</label>
        <select
          id={languageId}
          value={preferences.language ?? uiLanguage}
          onChange={(event) => setPreferences({ ...preferences, language: event.target.value as Language })}
        >
          <LanguageOptions />
        </select>
      </div>
      <button type="submit" className="button button-primary">
        {t("savePreferences")}
      </button>
      <div role="status" className="save-status">
        {status ? <p className={status.isError ? "form-error" : "form-success"}>{status.text}</p> : null}
      </div>
    </form>
  );
}

function Checkbox({ label, checked, onChange }: { label: string; checked: boolean; onChange(value: boolean): void }) {
  const id = useId();
  return (
    <div className="checkbox-field">
      <input id={id} type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}
