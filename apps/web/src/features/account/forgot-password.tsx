import { useId, useState, type FormEvent } from "react";
import { api } from "../../lib/api";
import { errorKey } from "../../ui/error-text";
import { FormError, FormField } from "../../ui/form-field";
import { useT } from "../i18n/use-t";

/**
 * "Forgot password?" on the sign-in screen (issue #11): asks for a reset link. The server answers
 * the same for every address, and so does this form.
 */
export function ForgotPassword({ initialEmail }: { initialEmail: string }) {
  const { t } = useT();
  const headingId = useId();
  const [isOpen, setIsOpen] = useState(false);
  const [email, setEmail] = useState(initialEmail);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string>();

  if (!isOpen) {
    return (
      <p className="auth-switch">
        <button type="button" className="link-button" onClick={() => setIsOpen(true)}>
          {t("forgotPassword")}
        </button>
      </p>
    );
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (email.trim() === "") {
      setError(t("errorRequired"));
      return;
    }
    try {
      await api.post("/api/auth/password-reset", { email });
      setError(undefined);
      setSent(true);
    } catch (caught) {
      setError(t(errorKey(caught, { validation_failed: "errorRequired" })));
    }
  };
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("resetRequestTitle")}</h2>
      {sent ? (
        <p role="status" className="form-success">
          {t("resetRequestSent")}
        </p>
      ) : (
        <form onSubmit={submit} noValidate>
          <p>{t("resetRequestIntro")}</p>
          <FormField label={t("email")} type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} />
          <FormError text={error} />
          <button type="submit" className="button button-secondary">
            {t("resetRequestButton")}
          </button>
        </form>
      )}
    </section>
  );
}
