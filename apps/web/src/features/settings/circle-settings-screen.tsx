import {
  CheckinScheduleResponse,
  DevicesResponse,
  EscalationResponse,
  Member,
  PairingCodeResponse,
  STEP_SECONDS_MAX,
  STEP_SECONDS_MIN,
  type CheckinSchedule,
  type Device,
} from "@kring/protocol";
import { useEffect, useId, useState, type FormEvent } from "react";
import { api } from "../../lib/api";
import { errorKey } from "../../ui/error-text";
import { FormError, FormField } from "../../ui/form-field";
import { CircleFrame } from "../circles/circle-frame";
import { memberName, useCirclesStore } from "../circles/circles.store";
import { formatClock, formatDateTime } from "../i18n/format";
import { offeredTimeZones } from "../i18n/time-zone-names";
import { useT } from "../i18n/use-t";
import { CirclePrivacySection } from "../privacy/privacy-sections";

/** The coordinator's page for one circle: who is paged in which order, the daily check-in, tablets. */
export default function CircleSettingsScreen({ circleId }: { circleId: string }) {
  const { t } = useT();
  const myRole = useCirclesStore((state) => state.circles.find((c) => c.id === circleId)?.myRole);
  useEffect(() => {
    void useCirclesStore.getState().loadMembers(circleId).catch(() => undefined);
  }, [circleId]);
  return (
    <CircleFrame circleId={circleId} tab="settings">
      {myRole !== "coordinator" ? (
        <p>{t("onlyCoordinators")}</p>
      ) : (
        <>
          <EscalationSection circleId={circleId} />
          <CheckinSection circleId={circleId} />
          <ResidentsSection circleId={circleId} />
          <DevicesSection circleId={circleId} />
          <CirclePrivacySection circleId={circleId} role={myRole} />
        </>
      )}
    </CircleFrame>
  );
}

function useSaveState() {
  const { t } = useT();
  const [message, setMessage] = useState<{ text: string; isError: boolean }>();
  const run = async (action: () => Promise<void>) => {
    setMessage(undefined);
    try {
      await action();
      setMessage({ text: t("saved"), isError: false });
    } catch (caught) {
      setMessage({ text: t(errorKey(caught)), isError: true });
    }
  };
  const view = (
    <div role="status" className="save-status">
      {message ? <p className={message.isError ? "form-error" : "form-success"}>{message.text}</p> : null}
    </div>
  );
  return { run, setMessage, view };
}

function EscalationSection({ circleId }: { circleId: string }) {
  const { t } = useT();
  const headingId = useId();
  const addId = useId();
  const members = useCirclesStore((state) => state.membersByCircle[circleId]);
  const [responders, setResponders] = useState<string[]>();
  const [isDefault, setIsDefault] = useState(false);
  // Edited in minutes (people think of "2 minutes"); the API keeps seconds.
  const [stepMinutes, setStepMinutes] = useState("2");
  const [toAdd, setToAdd] = useState("");
  const save = useSaveState();

  useEffect(() => {
    void api
      .get(`/api/circles/${circleId}/escalation`, EscalationResponse)
      .then(({ escalation }) => {
        setResponders(escalation.responders);
        setIsDefault(escalation.isDefault);
        setStepMinutes(String(Math.round((escalation.stepSeconds / 60) * 10) / 10));
      })
      .catch(() => setResponders([]));
  }, [circleId]);

  const candidates = (members ?? []).filter((m) => m.role !== "resident" && !responders?.includes(m.userId));
  const nameOf = (id: string) => memberName(members, id) ?? t("someone");
  const move = (index: number, by: -1 | 1) =>
    setResponders((list) => {
      if (!list) return list;
      const next = [...list];
      const [item] = next.splice(index, 1);
      if (item !== undefined) next.splice(index + by, 0, item);
      return next;
    });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const minutes = Number(stepMinutes.replace(",", "."));
    const seconds = Math.round(minutes * 60);
    if (!responders || responders.length === 0) return save.setMessage({ text: t("errorLadderEmpty"), isError: true });
    if (stepMinutes.trim() === "" || !Number.isFinite(minutes) || seconds < Math.max(STEP_SECONDS_MIN, 30) || seconds > STEP_SECONDS_MAX) {
      return save.setMessage({ text: t("errorStepMinutes"), isError: true });
    }
    void save.run(async () => {
      const { escalation } = await api.put(`/api/circles/${circleId}/escalation`, { responders, stepSeconds: seconds }, EscalationResponse);
      setResponders(escalation.responders);
      setIsDefault(escalation.isDefault);
    });
  };

  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("escalationTitle")}</h2>
      <p>{t("escalationIntro")}</p>
      {isDefault ? <p className="field-hint">{t("escalationDefault")}</p> : null}
      <form onSubmit={submit}>
        <ol className="ladder">
          {responders?.map((id, index) => (
            <li key={id} className="ladder-step">
              <span className="ladder-name">{nameOf(id)}</span>
              <span className="ladder-buttons">
                <button type="button" className="button button-small button-secondary" disabled={index === 0} onClick={() => move(index, -1)}>
                  <span aria-hidden="true">↑ </span>
                  {t("moveUp", { name: nameOf(id) })}
                </button>
                <button
                  type="button"
                  className="button button-small button-secondary"
                  disabled={index === responders.length - 1}
                  onClick={() => move(index, 1)}
                >
                  <span aria-hidden="true">↓ </span>
                  {t("moveDown", { name: nameOf(id) })}
                </button>
                <button
                  type="button"
                  className="button button-small button-secondary"
                  onClick={() => setResponders((list) => list?.filter((r) => r !== id))}
                >
                  {t("removeFromLadder", { name: nameOf(id) })}
                </button>
              </span>
            </li>
          ))}
        </ol>
        {candidates.length > 0 ? (
          <div className="inline-fields">
            <div className="field">
              <label htmlFor={addId}>{t("personToAdd")}</label>
              <select id={addId} value={toAdd} onChange={(event) => setToAdd(event.target.value)}>
                <option value="">—</option>
                {candidates.map((m) => (
                  <option key={m.userId} value={m.userId}>
                    {m.name} ({t(`role_${m.role}`)})
                  </option>
                ))}
              </select>
            </div>
            <button
              type="button"
              className="button button-secondary"
              disabled={toAdd === ""}
              onClick={() => {
                setResponders((list) => [...(list ?? []), toAdd]);
                setToAdd("");
              }}
            >
              {t("addToLadder")}
            </button>
          </div>
        ) : null}
        <FormField
          label={t("stepMinutes")}
          type="number"
          inputMode="decimal"
          min={0.5}
          max={STEP_SECONDS_MAX / 60}
          step={0.5}
          value={stepMinutes}
          onChange={(event) => setStepMinutes(event.target.value)}
        />
        <button type="submit" className="button button-primary">
          {t("saveOrder")}
        </button>
        {save.view}
      </form>
    </section>
  );
}

function CheckinSection({ circleId }: { circleId: string }) {
  const { t, language, locale } = useT();
  const headingId = useId();
  const enabledId = useId();
  const zoneId = useId();
  const [schedule, setSchedule] = useState<CheckinSchedule>();
  const save = useSaveState();

  useEffect(() => {
    void api
      .get(`/api/circles/${circleId}/checkin-schedule`, CheckinScheduleResponse)
      .then(({ schedule: loaded }) => setSchedule(loaded))
      .catch(() => undefined);
  }, [circleId]);

  if (!schedule) return null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run(async () => {
      const saved = await api.put(`/api/circles/${circleId}/checkin-schedule`, schedule, CheckinScheduleResponse);
      setSchedule(saved.schedule);
    });
  };
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("checkinTitle")}</h2>
      <p>{t("checkinIntro")}</p>
      <form onSubmit={submit}>
        <div className="checkbox-field">
          <input
            id={enabledId}
            type="checkbox"
            checked={schedule.enabled}
            onChange={(event) => setSchedule({ ...schedule, enabled: event.target.checked })}
          />
          <label htmlFor={enabledId}>{t("checkinEnabled")}</label>
        </div>
        <FormField
          label={t("checkinDeadline")}
          type="time"
          value={schedule.deadline}
          required
          onChange={(event) => setSchedule({ ...schedule, deadline: event.target.value })}
        />
        <div className="field">
          <label htmlFor={zoneId}>{t("timeZone")}</label>
          <select id={zoneId} value={schedule.timeZone} onChange={(event) => setSchedule({ ...schedule, timeZone: event.target.value })}>
            {offeredTimeZones(schedule.timeZone, language, locale).map(({ zone, label }) => (
              <option key={zone} value={zone}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button button-primary">
          {t("saveCheckin")}
        </button>
        {save.view}
      </form>
    </section>
  );
}

const MemberResponse = { parse: (data: unknown) => ({ member: Member.parse((data as { member?: unknown } | null)?.member) }) };

function ResidentsSection({ circleId }: { circleId: string }) {
  const { t, locale } = useT();
  const headingId = useId();
  const members = useCirclesStore((state) => state.membersByCircle[circleId]);
  const residents = (members ?? []).filter((m) => m.role === "resident");
  const [name, setName] = useState("");
  const [error, setError] = useState<string>();
  const [codes, setCodes] = useState<Record<string, { code: string; expiresAt: string }>>({});

  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === "") return setError(t("errorRequired"));
    try {
      await api.post(`/api/circles/${circleId}/residents`, { name }, MemberResponse);
      setName("");
      setError(undefined);
      await useCirclesStore.getState().loadMembers(circleId);
    } catch (caught) {
      setError(t(errorKey(caught)));
    }
  };
  const createCode = async (userId: string) => {
    try {
      const code = await api.post(`/api/circles/${circleId}/residents/${userId}/pairing-codes`, undefined, PairingCodeResponse);
      setCodes((current) => ({ ...current, [userId]: code }));
      setError(undefined);
    } catch (caught) {
      setError(t(errorKey(caught)));
    }
  };

  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("residentsTitle")}</h2>
      <ul className="resident-list">
        {residents.map((resident) => {
          const code = codes[resident.userId];
          return (
            <li key={resident.userId}>
              <span className="member-name">{resident.name}</span>
              <button type="button" className="button button-secondary" onClick={() => void createCode(resident.userId)}>
                {t("createPairingCode", { name: resident.name })}
              </button>
              <div role="status">
                {code ? (
                  <div className="code-box">
                    <p>{t("pairingCodeFor", { name: resident.name, time: formatClock(new Date(code.expiresAt), locale) })}</p>
                    <p className="code" data-testid="pairing-code">
                      {code.code}
                    </p>
                  </div>
                ) : null}
              </div>
            </li>
          );
        })}
      </ul>
      <form onSubmit={add} noValidate className="inline-fields">
        <FormField label={t("residentName")} value={name} maxLength={100} onChange={(event) => setName(event.target.value)} error={error} />
        <button type="submit" className="button button-primary">
          {t("addResident")}
        </button>
      </form>
    </section>
  );
}

function DevicesSection({ circleId }: { circleId: string }) {
  const { t, locale } = useT();
  const headingId = useId();
  const members = useCirclesStore((state) => state.membersByCircle[circleId]);
  const [devices, setDevices] = useState<Device[]>();
  const [error, setError] = useState<string>();

  const load = () =>
    api
      .get(`/api/circles/${circleId}/devices`, DevicesResponse)
      .then(({ devices: loaded }) => setDevices(loaded))
      .catch(() => setDevices([]));
  useEffect(() => {
    void load();
    // Reload when a resident was added or paired meanwhile (the member list changes).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [circleId, members?.length]);

  const revoke = async (device: Device) => {
    if (!window.confirm(t("confirmRevoke"))) return;
    try {
      await api.delete(`/api/circles/${circleId}/devices/${device.id}`);
      await load();
    } catch (caught) {
      setError(t(errorKey(caught)));
    }
  };

  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("devicesTitle")}</h2>
      {devices?.length === 0 ? <p>{t("noDevices")}</p> : null}
      <ul className="device-list">
        {devices?.map((device) => {
          const label = `${device.name} (${memberName(members, device.userId) ?? t("someone")})`;
          return (
            <li key={device.id}>
              <span>
                {t("deviceUsed", { name: label, time: formatDateTime(device.lastUsedAt, locale) })}
                {device.revokedAt ? ` · ${t("deviceRevoked", { time: formatDateTime(device.revokedAt, locale) })}` : null}
              </span>
              {device.revokedAt ? null : (
                <button type="button" className="button button-small button-secondary" onClick={() => void revoke(device)}>
                  {t("revokeDevice", { device: label })}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      <FormError text={error} />
    </section>
  );
}
