import { useState, type FormEvent } from "react";
import { Link } from "../../navigation/link";
import { paths, useRoute } from "../../navigation/router";
import ResetPasswordScreen from "../account/reset-password-screen";
import { LanguageSwitch } from "../i18n/language-switch";
import { useT } from "../i18n/use-t";
import { errorKey } from "../../ui/error-text";
import { FormError, FormField } from "../../ui/form-field";
import { signIn } from "./sign-in";
import { ForgotPassword } from "../account/forgot-password";

export default function SignInScreen() {
  const route = useRoute();
  // Signed out, every path but sign-up and pairing shows this screen: the mailed reset link too (issue #11).
  if (route.name === "reset-password") return <ResetPasswordScreen token={route.token} />;
  return <SignInForm />;
}

function SignInForm() {
  const { t } = useT();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string>();
  const [isBusy, setIsBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (email.trim() === "" || password === "") {
      setError(t("errorRequired"));
      return;
    }
    setIsBusy(true);
    setError(undefined);
    try {
      await signIn(email, password);
    } catch (caught) {
      setError(t(errorKey(caught, { unauthorized: "errorWrongCredentials", validation_failed: "errorWrongCredentials" })));
    } finally {
      setIsBusy(false);
    }
  };

  return (
    <div className="auth-layout">
      <main id="main" className="auth-card">
        <h1 className="page-title">{t("signInTitle")}</h1>
        <form onSubmit={submit} noValidate>
          <FormField label={t("email")} type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} />
          <FormField
            label={t("password")}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <FormError text={error} />
          <button type="submit" className="button button-primary" disabled={isBusy}>
            {t("signIn")}
          </button>
        </form>
        <ForgotPassword initialEmail={email} />
        <p className="auth-switch">
          {t("newToKring")} <Link to={paths.signUp}>{t("createAccount")}</Link>
        </p>
        <p className="auth-switch">
          <Link to={paths.pair}>{t("setUpTablet")}</Link>
        </p>
      </main>
      <footer className="auth-footer">
        <LanguageSwitch />
      </footer>
    </div>
  );
}
