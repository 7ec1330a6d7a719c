import { useState, type FormEvent } from "react";
import { Link } from "../../navigation/link";
import { paths } from "../../navigation/router";
import { LanguageSwitch } from "../i18n/language-switch";
import { useT } from "../i18n/use-t";
import { errorKey } from "../../ui/error-text";
import { FormField } from "../../ui/form-field";
import { useSessionStore } from "./session.store";

/** A short, readable name for the coordinator's device list ("Chrome on Android"). */
function describeDevice(): string {
  const agent = navigator.userAgent;
  const browser = /Edg\//.test(agent) ? "Edge" : /Firefox\//.test(agent) ? "Firefox" : /Chrom/.test(agent) ? "Chrome" : /Safari\//.test(agent) ? "Safari" : "Browser";
  const system = /Android/.test(agent) ? "Android" : /iPad|iPhone/.test(agent) ? "iPad" : /Windows/.test(agent) ? "Windows" : /Mac/.test(agent) ? "Mac" : /Linux/.test(agent) ? "Linux" : "";
  return system ? `${browser} · ${system}` : browser;
}

/** The resident tablet's one-time setup: a code from the coordinator, no email, no password. */
export function PairScreen() {
  const { t } = useT();
  const endedBecause = useSessionStore((state) => state.endedBecause);
  const [code, setCode] = useState("");
  const [error, setError] = useState<string>();
  const [isBusy, setIsBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (code.trim() === "") {
      setError(t("errorRequired"));
      return;
    }
    setIsBusy(true);
    setError(undefined);
    try {
      await useSessionStore.getState().pair(code, describeDevice());
    } catch (caught) {
      setError(t(errorKey(caught, { not_found: "errorPairingCode", gone: "errorPairingCode", validation_failed: "errorPairingCode", unauthorized: "errorPairingCode" })));
    } finally {
      setIsBusy(false);
    }
  };

  return (
    <div className="auth-layout auth-layout-large">
      <main id="main" className="auth-card">
        <h1 className="page-title">{t("pairTitle")}</h1>
        {endedBecause === "revoked" ? <p className="banner banner-warning">{t("tabletDisconnected")}</p> : null}
        <p className="lead">{t("pairIntro")}</p>
        <form onSubmit={submit} noValidate>
          <FormField
            label={t("pairingCode")}
            className="field-large"
            value={code}
            onChange={(event) => setCode(event.target.value)}
            autoComplete="one-time-code"
            autoCapitalize="characters"
            spellCheck={false}
            error={error}
          />
          <button type="submit" className="button button-primary button-large" disabled={isBusy}>
            {t("pairButton")}
          </button>
        </form>
        <p className="auth-switch">
          <Link to={paths.signIn}>{t("staffSignInLink")}</Link>
        </p>
      </main>
      <footer className="auth-footer">
        <LanguageSwitch />
      </footer>
    </div>
  );
}
