import { Password } from "@kring/protocol";
import { useState, type FormEvent } from "react";
import { Link } from "../../navigation/link";
import { paths } from "../../navigation/router";
import { api } from "../../lib/api";
import { errorKey } from "../../ui/error-text";
import { FormError, FormField } from "../../ui/form-field";
import { LanguageSwitch } from "../i18n/language-switch";
import { useT } from "../i18n/use-t";

/** `/reset-password/<token>` (issue #11): the mailed link; a new password ends every session. */
export default function ResetPasswordScreen({ token }: { token: string }) {
  const { t } = useT();
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string>();
  const [isDone, setIsDone] = useState(false);
  const [isBusy, setIsBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!Password.safeParse(password).success) {
      setError(t(password === "" ? "errorRequired" : "errorPasswordShort"));
      return;
    }
    setIsBusy(true);
    setError(undefined);
    try {
      await api.post("/api/auth/password-reset/confirm", { token, newPassword: password });
      setIsDone(true);
    } catch (caught) {
      setError(t(errorKey(caught, { gone: "errorResetGone", validation_failed: "errorResetGone" })));
    } finally {
      setIsBusy(false);
    }
  };

  return (
    <div className="auth-layout">
      <main id="main" className="auth-card">
        <h1 className="page-title">{t("resetTitle")}</h1>
        {isDone ? (
          <p role="status" className="form-success">
            {t("resetDone")}
          </p>
        ) : (
          <form onSubmit={submit} noValidate>
            <FormField label={t("newPassword")} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
            <FormError text={error} />
            <button type="submit" className="button button-primary" disabled={isBusy}>
              {t("resetButton")}
            </button>
          </form>
        )}
        <p className="auth-switch">
          <Link to={paths.signIn}>{t("backToSignIn")}</Link>
        </p>
      </main>
      <footer className="auth-footer">
        <LanguageSwitch />
      </footer>
    </div>
  );
}
