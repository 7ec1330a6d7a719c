import { Email, Password, PersonName } from "@kring/protocol";
import { useState, type FormEvent } from "react";
import { Link } from "../../navigation/link";
import { paths } from "../../navigation/router";
import { LanguageSwitch } from "../i18n/language-switch";
import { useT } from "../i18n/use-t";
import { errorKey } from "../../ui/error-text";
import { FormError, FormField } from "../../ui/form-field";
import { signUp } from "./sign-in";

type Errors = Partial<Record<"name" | "email" | "password" | "form", string>>;

export default function SignUpScreen() {
  const { t } = useT();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const [isBusy, setIsBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    // The same zod schemas the server parses with, so the answer is the same before the round trip.
    const found: Errors = {};
    if (!PersonName.safeParse(name).success) found.name = t("errorRequired");
    if (!Email.safeParse(email).success) found.email = t("errorEmailInvalid");
    if (!Password.safeParse(password).success) found.password = t("errorPasswordShort");
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setIsBusy(true);
    try {
      await signUp(name, email, password);
    } catch (caught) {
      setErrors({ form: t(errorKey(caught, { conflict: "errorEmailTaken" })) });
    } finally {
      setIsBusy(false);
    }
  };

  return (
    <div className="auth-layout">
      <main id="main" className="auth-card">
        <h1 className="page-title">{t("signUpTitle")}</h1>
        <form onSubmit={submit} noValidate>
          <FormField label={t("name")} autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} />
          <FormField
            label={t("email")}
            type="email"
            autoComplete="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={errors.email}
          />
          <FormField
            label={t("password")}
            type="password"
            autoComplete="new-password"
            hint={t("passwordHint")}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={errors.password}
          />
          <FormError text={errors.form} />
          <button type="submit" className="button button-primary" disabled={isBusy}>
            {t("createAccount")}
          </button>
        </form>
        <p className="auth-switch">
          {t("haveAccount")} <Link to={paths.signIn}>{t("signIn")}</Link>
        </p>
      </main>
      <footer className="auth-footer">
        <LanguageSwitch />
      </footer>
    </div>
  );
}
