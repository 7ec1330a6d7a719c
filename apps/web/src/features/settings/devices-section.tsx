import { AccountSessionsResponse, type AccountSession } from "@kring/protocol";
import { useCallback, useEffect, useId, useState } from "react";
import { api } from "../../lib/api";
import { errorKey } from "../../ui/error-text";
import { formatDateTime } from "../i18n/format";
import { useT } from "../i18n/use-t";
import { FormError } from "../../ui/form-field";

/**
 * Every device signed in to this account (browsers and paired tablets), so a person can see one
 * they did not sign in themselves, and sign it out at once.
 */
export function DevicesSection() {
  const { t, locale } = useT();
  const headingId = useId();
  const [sessions, setSessions] = useState<AccountSession[]>();
  const [error, setError] = useState<string>();
  const load = useCallback(
    () =>
      api.get("/api/me/sessions", AccountSessionsResponse).then(
        ({ sessions: loaded }) => {
          setSessions(loaded.filter((session) => session.revokedAt === null));
          setError(undefined);
        },
        (caught: unknown) => setError(t(errorKey(caught))),
      ),
    [t],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const signOut = async (sessionId: string) => {
    try {
      await api.delete(`/api/me/sessions/${sessionId}`);
      await load();
    } catch (caught) {
      setError(t(errorKey(caught)));
    }
  };
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("accountDevicesTitle")}</h2>
      <p>{t("accountDevicesIntro")}</p>
      {sessions === undefined && !error ? <p role="status">{t("loading")}</p> : null}
      {sessions ? (
        <ul className="device-list">
          {sessions.map((session) => (
            <li key={session.id}>
              <span>
                <strong>{session.name}</strong>
                {session.isCurrent ? ` (${t("deviceThisOne")})` : ""}
                <br />
                <small>{t("deviceLastUsed", { date: formatDateTime(session.lastUsedAt, locale) })}</small>
              </span>
              {session.isCurrent ? null : (
                <button type="button" className="button button-small button-secondary" onClick={() => void signOut(session.id)}>
                  {t("deviceSignOut", { name: session.name })}
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      <FormError text={error} />
    </section>
  );
}
