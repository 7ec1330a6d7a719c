import { InvitationRole, type InvitationResponse } from "@kring/protocol";
import { useEffect, useId, useState, type FormEvent } from "react";
import { errorKey } from "../../ui/error-text";
import { FormField } from "../../ui/form-field";
import { formatDateTime } from "../i18n/format";
import { useI18nStore } from "../i18n/i18n.store";
import { useT } from "../i18n/use-t";
import { createInvitation, emailInvitation, listInvitations, revokeInvitation } from "./circle-actions";

/**
 * The coordinator's invitations: make one for a role, then share its link (copy, or let Kring
 * email it), see every code still pending with its role and expiry, and withdraw one. A new code
 * joins the list; it never replaces an earlier one.
 */
export function InvitationsPanel({ circleId }: { circleId: string }) {
  const { t } = useT();
  const headingId = useId();
  const listHeadingId = useId();
  const roleId = useId();
  const [role, setRole] = useState<InvitationRole>("family");
  const [invitations, setInvitations] = useState<InvitationResponse[]>();
  const [status, setStatus] = useState<{ text: string; isError: boolean }>();

  const reload = () =>
    listInvitations(circleId).then(setInvitations, (caught: unknown) => {
      setInvitations((current) => current ?? []);
      setStatus({ text: t(errorKey(caught)), isError: true });
    });
  useEffect(() => {
    void reload();
    // Loaded per circle; the translator changing must not refetch.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [circleId]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const created = await createInvitation(circleId, role);
      setInvitations((current) => [created, ...(current ?? []).filter((i) => i.code !== created.code)]);
      setStatus({ text: t("invitationCreatedFor", { role: t(`role_${role}`) }), isError: false });
    } catch (caught) {
      setStatus({ text: t(errorKey(caught)), isError: true });
    }
  };

  const revoke = async (invitation: InvitationResponse) => {
    if (!window.confirm(t("confirmRevokeInvitation", { role: t(`role_${invitation.role}`) }))) return;
    try {
      await revokeInvitation(circleId, invitation.code);
      setInvitations((current) => current?.filter((i) => i.code !== invitation.code));
      setStatus({ text: t("invitationRevoked", { role: t(`role_${invitation.role}`) }), isError: false });
    } catch (caught) {
      setStatus({ text: t(errorKey(caught)), isError: true });
      void reload();
    }
  };

  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("inviteTitle")}</h2>
      <form onSubmit={create} className="inline-fields">
        <div className="field">
          <label htmlFor={roleId}>{t("inviteRole")}</label>
          {/* Residents join through a pairing code (circle settings), never an invitation. */}
          <select id={roleId} value={role} onChange={(event) => setRole(event.target.value as InvitationRole)}>
            {InvitationRole.options.map((r) => (
              <option key={r} value={r}>
                {t(`role_${r}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button button-primary">
          {t("createInvitation")}
        </button>
      </form>
      <div role="status" className="save-status">
        {status ? <p className={status.isError ? "form-error" : "form-success"}>{status.text}</p> : null}
      </div>
      <h3 id={listHeadingId} className="invitations-heading">
        {t("invitationsTitle")}
      </h3>
      {invitations === undefined ? <p role="status">{t("loading")}</p> : null}
      {invitations?.length === 0 ? <p className="field-hint">{t("noInvitations")}</p> : null}
      <ul className="invitation-list" aria-labelledby={listHeadingId}>
        {invitations?.map((invitation) => (
          <PendingInvitation key={invitation.code} circleId={circleId} invitation={invitation} onRevoke={() => void revoke(invitation)} />
        ))}
      </ul>
    </section>
  );
}

function PendingInvitation({ circleId, invitation, onRevoke }: { circleId: string; invitation: InvitationResponse; onRevoke(): void }) {
  const { t, locale } = useT();
  const language = useI18nStore((state) => state.language);
  const [copyState, setCopyState] = useState<"idle" | "copied" | "failed">("idle");
  const [isMailing, setIsMailing] = useState(false);
  const [email, setEmail] = useState("");
  const [mailStatus, setMailStatus] = useState<{ text: string; isError: boolean }>();
  const role = t(`role_${invitation.role}`);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(invitation.url);
      setCopyState("copied");
    } catch {
      // No clipboard (an http page, or permission refused): the link is on screen to select.
      setCopyState("failed");
    }
  };
  const send = async (event: FormEvent) => {
    event.preventDefault();
    if (email.trim() === "") return setMailStatus({ text: t("errorRequired"), isError: true });
    try {
      await emailInvitation(circleId, invitation.code, email.trim(), language);
      setMailStatus({ text: t("invitationEmailed", { email: email.trim() }), isError: false });
      setEmail("");
    } catch (caught) {
      setMailStatus({ text: t(errorKey(caught, { validation_failed: "errorEmailInvalid", gone: "errorInvitationGone" })), isError: true });
    }
  };

  return (
    <li className="invitation">
      <p className="invitation-summary">
        <strong>{role}</strong> · {t("validUntil", { date: formatDateTime(invitation.expiresAt, locale) })}
      </p>
      <p className="invitation-code">
        {t("invitationCode")}: <span className="code code-small">{invitation.code}</span>
      </p>
      <p className="invitation-link">
        <a href={invitation.url}>{invitation.url}</a>
      </p>
      <div className="actions-row">
        <button type="button" className="button button-small" onClick={() => void copy()}>
          {t("copyLink", { role })}
        </button>
        <button type="button" className="button button-small button-secondary" aria-expanded={isMailing} onClick={() => setIsMailing(!isMailing)}>
          {t("emailInvitation", { role })}
        </button>
        <button type="button" className="button button-small button-secondary" onClick={onRevoke}>
          {t("revokeInvitation", { role })}
        </button>
      </div>
      <div role="status">
        {copyState === "copied" ? <p className="form-success">{t("linkCopied")}</p> : null}
        {copyState === "failed" ? <p className="form-error">{t("copyFailed")}</p> : null}
      </div>
      {isMailing ? (
        <form onSubmit={send} noValidate className="inline-fields">
          <FormField label={t("inviteEmail")} type="email" autoComplete="off" value={email} onChange={(event) => setEmail(event.target.value)} />
          <button type="submit" className="button button-primary">
            {t("sendInvitationEmail")}
          </button>
        </form>
      ) : null}
      <div role="status">{mailStatus ? <p className={mailStatus.isError ? "form-error" : "form-success"}>{mailStatus.text}</p> : null}</div>
    </li>
  );
}
