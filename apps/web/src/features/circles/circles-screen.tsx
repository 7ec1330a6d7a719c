import { useEffect, useState, type FormEvent } from "react";
import { Link } from "../../navigation/link";
import { Page } from "../../navigation/page";
import { navigate, paths } from "../../navigation/router";
import { errorKey } from "../../ui/error-text";
import { FormField } from "../../ui/form-field";
import { formatDateTime } from "../i18n/format";
import { useT } from "../i18n/use-t";
import type { InvitationPreview } from "@kring/protocol";
import { acceptInvitation, createCircle, previewInvitation } from "./circle-actions";
import { useCirclesStore } from "./circles.store";

export function CirclesScreen() {
  const { t, tPlural } = useT();
  const circles = useCirclesStore((state) => state.circles);
  const loadState = useCirclesStore((state) => state.loadState);
  return (
    <Page title={t("circlesTitle")}>
      {loadState === "failed" && circles.length === 0 ? <p className="banner banner-warning">{t("errorNetwork")}</p> : null}
      {loadState === "loaded" && circles.length === 0 ? <p className="empty-state">{t("noCircles")}</p> : null}
      <ul className="circle-list">
        {circles.map((circle) => (
          <li key={circle.id}>
            <Link to={circle.myRole === "volunteer" ? paths.members(circle.id) : paths.conversation(circle.id)} className="circle-link">
              <span className="circle-link-name">{circle.name}</span>
              <span className="circle-link-role">{t(`role_${circle.myRole}`)}</span>
              {circle.unread > 0 ? <span className="badge">{tPlural("unread", circle.unread)}</span> : null}
              {(circle.unreadTeam ?? 0) > 0 ? <span className="badge">{tPlural("unreadTeam", circle.unreadTeam ?? 0)}</span> : null}
            </Link>
          </li>
        ))}
      </ul>
      <div className="two-columns">
        <CreateCircleForm />
        <JoinCircleForm />
      </div>
    </Page>
  );
}

function CreateCircleForm() {
  const { t } = useT();
  const [name, setName] = useState("");
  const [error, setError] = useState<string>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === "") return setError(t("errorRequired"));
    try {
      const circle = await createCircle(name);
      setName("");
      setError(undefined);
      navigate(paths.conversation(circle.id));
    } catch (caught) {
      setError(t(errorKey(caught)));
    }
  };
  return (
    <form className="panel" onSubmit={submit} noValidate>
      <h2>{t("createCircleTitle")}</h2>
      <FormField label={t("circleName")} value={name} maxLength={100} onChange={(e) => setName(e.target.value)} error={error} />
      <button type="submit" className="button button-primary">
        {t("createCircle")}
      </button>
    </form>
  );
}

/**
 * Joining takes two steps: the code first shows which circle it is for and with which role, and
 * only "Join" accepts it. Nobody joins a circle (or takes a role) they did not see.
 */
function JoinCircleForm({ initialCode = "" }: { initialCode?: string }) {
  const { t, locale } = useT();
  const [code, setCode] = useState(initialCode);
  const [error, setError] = useState<string>();
  const [preview, setPreview] = useState<InvitationPreview>();
  const showError = (caught: unknown) =>
    setError(t(errorKey(caught, { not_found: "errorInvitationNotFound", gone: "errorInvitationGone", conflict: "errorAlreadyMember" })));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (code.trim() === "") return setError(t("errorRequired"));
    try {
      setPreview(await previewInvitation(code));
      setError(undefined);
    } catch (caught) {
      showError(caught);
    }
  };
  // An invitation link (`/join/<code>`) shows what the code is for at once; joining still takes "Join".
  useEffect(() => {
    if (initialCode === "") return;
    previewInvitation(initialCode).then(setPreview, showError);
    // Once per link.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [initialCode]);
  const join = async () => {
    try {
      const circle = await acceptInvitation(code);
      setCode("");
      setPreview(undefined);
      setError(undefined);
      navigate(paths.conversation(circle.id));
    } catch (caught) {
      setPreview(undefined);
      showError(caught);
    }
  };
  if (preview) {
    return (
      <section className="panel" aria-labelledby="join-confirm-title">
        <h2 id="join-confirm-title">{t("joinCircleTitle")}</h2>
        <p>
          {t("invitationPreview", {
            circle: preview.circle.name,
            role: t(`role_${preview.role}`),
            date: formatDateTime(preview.expiresAt, locale),
          })}
        </p>
        <div className="actions-row">
          <button type="button" className="button button-primary" onClick={() => void join()}>
            {t("joinNamedCircle", { circle: preview.circle.name })}
          </button>
          <button type="button" className="button" onClick={() => setPreview(undefined)}>
            {t("cancel")}
          </button>
        </div>
      </section>
    );
  }
  return (
    <form className="panel" onSubmit={submit} noValidate>
      <h2>{t("joinCircleTitle")}</h2>
      <FormField
        label={t("invitationCode")}
        value={code}
        autoCapitalize="characters"
        spellCheck={false}
        autoComplete="off"
        onChange={(e) => setCode(e.target.value)}
        error={error}
      />
      <button type="submit" className="button button-primary">
        {t("joinCircle")}
      </button>
    </form>
  );
}

/** `/join/<code>`: an invitation link opened (after signing in, if needed). */
export function JoinScreen({ code }: { code: string }) {
  const { t } = useT();
  return (
    <Page title={t("joinCircleTitle")}>
      <JoinCircleForm initialCode={code} />
    </Page>
  );
}
