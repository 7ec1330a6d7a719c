import { RetentionResponse, type Role } from "@kring/protocol";
import { useEffect, useId, useState, type FormEvent } from "react";
import { api, ApiError } from "../../lib/api";
import { useT } from "../i18n/use-t";
import { useSessionStore } from "../session/session.store";
import { AccessLogList } from "./access-log-list";
import { privacyWords } from "./privacy-words";
import "./access-log.css";

/** Fetches an export with the session's token and hands it to the browser as a file. */
async function download(path: string, fileName: string) {
  const session = useSessionStore.getState();
  let response = await fetch(path, { headers: { authorization: `Bearer ${session.token ?? ""}` } });
  if (response.status === 401) {
    const token = await session.renewToken();
    response = await fetch(path, { headers: { authorization: `Bearer ${token ?? ""}` } });
  }
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function DownloadButton({ path, fileName, label }: { path: string; fileName: string; label: string }) {
  const { language } = useT();
  const words = privacyWords[language];
  const [state, setState] = useState<"idle" | "busy" | "failed">("idle");
  const run = () => {
    setState("busy");
    download(path, fileName)
      .then(() => setState("idle"))
      .catch(() => setState("failed"));
  };
  return (
    <>
      <button type="button" className="button" onClick={run} disabled={state === "busy"}>
        {label}
      </button>
      <div role="status" className="save-status">
        {state === "busy" ? <p>{words.downloading}</p> : state === "failed" ? <p className="form-error">{words.failed}</p> : null}
      </div>
    </>
  );
}

const RETENTION_CHOICES = [30, 90, 180, 365, 730, 1825, 3650];

function RetentionForm({ circleId }: { circleId: string }) {
  const { language } = useT();
  const words = privacyWords[language];
  const selectId = useId();
  const [days, setDays] = useState<number | null | undefined>();
  const [status, setStatus] = useState<"saved" | "failed">();
  useEffect(() => {
    void api
      .get(`/api/circles/${circleId}/retention`, RetentionResponse)
      .then((loaded) => setDays(loaded.messagesDays))
      .catch(() => undefined);
  }, [circleId]);
  if (days === undefined) return null;
  const choices = days === null || RETENTION_CHOICES.includes(days) ? RETENTION_CHOICES : [...RETENTION_CHOICES, days].sort((a, b) => a - b);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setStatus(undefined);
    api
      .put(`/api/circles/${circleId}/retention`, { messagesDays: days }, RetentionResponse)
      .then(() => setStatus("saved"))
      .catch(() => setStatus("failed"));
  };
  return (
    <form onSubmit={submit}>
      <h3>{words.retentionTitle}</h3>
      <p>{words.retentionIntro}</p>
      <div className="field">
        <label htmlFor={selectId}>{words.retentionLabel}</label>
        <select id={selectId} value={days === null ? "forever" : String(days)} onChange={(event) => setDays(event.target.value === "forever" ? null : Number(event.target.value))}>
          {choices.map((choice) => (
            <option key={choice} value={choice}>
              {words.retentionDays(choice)}
            </option>
          ))}
          <option value="forever">{words.retentionForever}</option>
        </select>
      </div>
      <button type="submit" className="button button-primary">
        {words.retentionSave}
      </button>
      <div role="status" className="save-status">
        {status === "saved" ? <p className="form-success">{words.saved}</p> : status === "failed" ? <p className="form-error">{words.failed}</p> : null}
      </div>
    </form>
  );
}

/** Circle settings: the access log, the circle's export and its retention (who sees what: the roles table). */
export function CirclePrivacySection({ circleId, role }: { circleId: string; role: Role | undefined }) {
  const { language } = useT();
  const words = privacyWords[language];
  const headingId = useId();
  const userId = useSessionStore((state) => state.user?.id) ?? "";
  const mayReadLog = role === "resident" || role === "family" || role === "coordinator";
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{words.circleTitle}</h2>
      <p>{words.circleIntro}</p>
      {mayReadLog ? (
        <>
          <h3>{words.accessLogTitle}</h3>
          <div className="access-log-staff">
            <AccessLogList circleId={circleId} userId={userId} showDevice />
          </div>
        </>
      ) : null}
      {role === "coordinator" || role === "resident" ? (
        <>
          <p>{words.exportHint}</p>
          <DownloadButton path={`/api/circles/${circleId}/export`} fileName="kring-circle.zip" label={words.exportCircle} />
        </>
      ) : null}
      {role === "coordinator" ? <RetentionForm circleId={circleId} /> : null}
    </section>
  );
}

/** The account page: download my data, delete my account (with the password). */
export function AccountPrivacySection() {
  const { language } = useT();
  const words = privacyWords[language];
  const headingId = useId();
  const passwordId = useId();
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    if (!window.confirm(words.deleteConfirm)) return;
    api
      .delete("/api/me", { password })
      .then(() => useSessionStore.getState().signOut())
      .catch((caught: unknown) => {
        const code = caught instanceof ApiError ? caught.code : undefined;
        setError(code === "forbidden" ? words.wrongPassword : code === "conflict" ? words.onlyCoordinator : words.failed);
      });
  };
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{words.accountTitle}</h2>
      <p>{words.exportMineHint}</p>
      <DownloadButton path="/api/me/export" fileName="kring-my-data.zip" label={words.exportMine} />
      <form onSubmit={submit}>
        <h3>{words.deleteTitle}</h3>
        <p>{words.deleteIntro}</p>
        <div className="field">
          <label htmlFor={passwordId}>{words.deletePassword}</label>
          <input id={passwordId} type="password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.target.value)} />
        </div>
        <button type="submit" className="button button-danger">
          {words.deleteButton}
        </button>
        <div role="status" className="save-status">
          {error ? <p className="form-error">{error}</p> : null}
        </div>
      </form>
    </section>
  );
}
