import { useEffect, useId, useState, type FormEvent } from "react";
import { Link } from "../../navigation/link";
import { Page } from "../../navigation/page";
import { navigate, paths } from "../../navigation/router";
import { ApiError } from "../../lib/api";
import { FormError, FormField } from "../../ui/form-field";
import { useCirclesStore } from "../circles/circles.store";
import { useT } from "../i18n/use-t";
import { useSessionStore } from "../session/session.store";
import { draftFromPlan, emptyDraft, planChanges, planInput, type PlanDraft, type RepeatKind } from "./plan-form";
import { WEEKDAYS, weekdayOf, type Weekday } from "./recurrence";
import { localDay, dayToDate } from "./visit-dates";
import { createPlan, deletePlan, updatePlan } from "./visits.api";
import { useVisitsStore } from "./visits.store";
import type { Plan } from "./visits.types";
import "./visits.css";

const DURATIONS = [15, 30, 45, 60, 90, 120, 180, 240];
const REMINDERS = [0, 15, 30, 60, 120, 1440];
const LATE_AFTER = [15, 30, 60, 120];

/** A new plan, or an existing one changed "from this date on" (and deleted), in plain words. */
export default function PlanFormScreen({ circleId, planId }: { circleId: string; planId?: string }) {
  const { t, tPlural, locale } = useT();
  const ids = { notes: useId(), duration: useId(), repeat: useId(), assignee: useId(), reminder: useId(), late: useId(), alert: useId() };
  const userId = useSessionStore((state) => state.user?.id);
  const circle = useCirclesStore((state) => state.circles.find((c) => c.id === circleId));
  const members = useCirclesStore((state) => state.membersByCircle[circleId]);
  const today = localDay(new Date());
  const [plan, setPlan] = useState<Plan | undefined>(() => (planId ? useVisitsStore.getState().plansById[planId] : undefined));
  const [draft, setDraft] = useState<PlanDraft | undefined>(() => (planId ? (plan ? draftFromPlan(plan) : undefined) : emptyDraft(today)));
  const [fromDate, setFromDate] = useState(today);
  const [error, setError] = useState<string>();
  const [isBusy, setIsBusy] = useState(false);
  const [loadFailed, setLoadFailed] = useState(false);

  useEffect(() => {
    if (!useCirclesStore.getState().membersByCircle[circleId]) void useCirclesStore.getState().loadMembers(circleId).catch(() => undefined);
  }, [circleId]);
  useEffect(() => {
    if (planId === undefined) return;
    let isCurrent = true;
    useVisitsStore
      .getState()
      .loadPlans(circleId)
      .then((plans) => {
        if (!isCurrent) return;
        const found = plans.find((p) => p.id === planId);
        if (!found) {
          setLoadFailed(true);
          return;
        }
        setPlan(found);
        setDraft((current) => current ?? draftFromPlan(found));
      })
      .catch(() => isCurrent && setLoadFailed(true));
    return () => {
      isCurrent = false;
    };
  }, [circleId, planId]);

  const isEdit = planId !== undefined;
  const title = isEdit ? t("planEditTitle") : t("planNewTitle");
  const canChange = !isEdit || circle?.myRole === "coordinator" || plan?.createdBy === userId;
  if (!draft) {
    return (
      <Page title={title}>
        {loadFailed ? <p className="banner banner-warning">{t("planNotFound")}</p> : <p role="status">{t("loading")}</p>}
        <p>
          <Link to={paths.calendar(circleId)}>{t("backToCalendar")}</Link>
        </p>
      </Page>
    );
  }

  const update = (change: Partial<PlanDraft>) => setDraft({ ...draft, ...change });
  const assignable = (members ?? []).filter((m) => m.role !== "resident");
  const weekdayName = (day: Weekday) => {
    const monday = dayToDate("2024-01-01"); // a Monday
    monday.setDate(monday.getDate() + WEEKDAYS.indexOf(day));
    return new Intl.DateTimeFormat(locale, { weekday: "long" }).format(monday);
  };
  const minutes = (value: number) =>
    value === 0
      ? t("reminderNone")
      : value % 1440 === 0
        ? tPlural("durationDays", value / 1440)
        : value % 60 === 0
          ? tPlural("durationHours", value / 60)
          : value > 60
            ? t("durationHoursMinutes", { hours: Math.floor(value / 60), minutes: value % 60 })
            : t("durationMinutes", { count: value });
  const showDays = draft.repeat === "weekly" || draft.repeat === "biweekly";

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (draft.title.trim() === "") {
      setError(t("planTitleRequired"));
      return;
    }
    if (showDays && draft.days.length === 0) {
      setError(t("planDaysRequired"));
      return;
    }
    setIsBusy(true);
    setError(undefined);
    try {
      if (!isEdit) await createPlan(circleId, planInput(draft));
      else if (planId !== undefined && plan !== undefined) await updatePlan(planId, planChanges(plan, draft, fromDate));
      await useVisitsStore.getState().reloadAll();
      navigate(paths.calendar(circleId, "agenda"));
    } catch (caught) {
      const code = caught instanceof ApiError ? caught.code : undefined;
      setError(code === "forbidden" ? t("planForbidden") : code === "network" ? t("errorNetwork") : code === "validation_failed" ? t("planInvalid") : t("errorGeneric"));
    } finally {
      setIsBusy(false);
    }
  };

  const remove = async () => {
    if (!planId || !window.confirm(t("planDeleteConfirm"))) return;
    setIsBusy(true);
    setError(undefined);
    try {
      await deletePlan(planId);
      await useVisitsStore.getState().reloadAll();
      navigate(paths.calendar(circleId, "agenda"));
    } catch (caught) {
      const code = caught instanceof ApiError ? caught.code : undefined;
      setError(code === "forbidden" ? t("planForbidden") : code === "network" ? t("errorNetwork") : t("errorGeneric"));
    } finally {
      setIsBusy(false);
    }
  };

  return (
    <Page title={title} className="plan-form-page">
      <p>
        <Link to={paths.calendar(circleId)}>{t("backToCalendar")}</Link>
        {circle ? ` · ${circle.name}` : null}
      </p>
      {!canChange ? <p className="banner banner-warning">{t("planForbidden")}</p> : null}
      <form className="plan-form panel" onSubmit={(event) => void submit(event)} noValidate>
        <fieldset className="checkbox-group" disabled={isEdit}>
          <legend className="field-legend">{t("planKind")}</legend>
          {(["visit", "task"] as const).map((kind) => (
            <label key={kind} className="checkbox-field">
              <input type="radio" name="kind" value={kind} checked={draft.kind === kind} onChange={() => update({ kind })} />
              {t(kind === "visit" ? "planKindVisit" : "planKindTask")}
            </label>
          ))}
        </fieldset>
        <FormField label={t("planTitle")} hint={t(draft.kind === "visit" ? "planTitleHintVisit" : "planTitleHintTask")} value={draft.title} maxLength={200} required onChange={(event) => update({ title: event.target.value })} />
        <div className="field">
          <label htmlFor={ids.notes}>{t("planNotes")}</label>
          <textarea id={ids.notes} value={draft.notes} maxLength={2000} rows={3} onChange={(event) => update({ notes: event.target.value })} />
        </div>
        <div className="inline-fields">
          <FormField
            label={t(draft.repeat === "once" ? "planDate" : "planFirstDate")}
            type="date"
            value={draft.date}
            required
            onChange={(event) => {
              const date = event.target.value;
              // A weekly plan's one day follows the date while the person has not picked others.
              const days = draft.days.length === 1 && draft.days[0] === weekdayOf(draft.date) && date ? [weekdayOf(date)] : draft.days;
              update({ date, days });
            }}
          />
          <FormField label={t(draft.kind === "visit" ? "planTime" : "planDueTime")} type="time" value={draft.time} required onChange={(event) => update({ time: event.target.value })} />
          {draft.kind === "visit" ? (
            <MinutesField
              id={ids.duration}
              label={t("planDuration")}
              choices={DURATIONS}
              value={draft.durationMinutes}
              format={minutes}
              onChange={(durationMinutes) => update({ durationMinutes })}
            />
          ) : null}
        </div>
        <div className="field">
          <label htmlFor={ids.repeat}>{t("planRepeat")}</label>
          <select id={ids.repeat} value={draft.repeat} onChange={(event) => update({ repeat: event.target.value as RepeatKind })}>
            <option value="once">{t("repeatOnce")}</option>
            <option value="daily">{t("repeatDaily")}</option>
            <option value="weekly">{t("repeatWeekly")}</option>
            <option value="biweekly">{t("repeatBiweekly")}</option>
            <option value="monthly">{t("repeatMonthly", { day: Number(draft.date.slice(8, 10)) || 1 })}</option>
            {draft.customRule !== null ? <option value="custom">{t("repeatCustom", { rule: draft.customRule })}</option> : null}
          </select>
        </div>
        {showDays ? (
          <fieldset className="checkbox-group weekday-picker">
            <legend className="field-legend">{t("planOnDays")}</legend>
            {WEEKDAYS.map((day) => (
              <label key={day} className="checkbox-field">
                <input
                  type="checkbox"
                  checked={draft.days.includes(day)}
                  onChange={(event) => update({ days: event.target.checked ? [...draft.days, day] : draft.days.filter((d) => d !== day) })}
                />
                {weekdayName(day)}
              </label>
            ))}
          </fieldset>
        ) : null}
        <div className="field">
          <label htmlFor={ids.assignee}>{t("planAssignee")}</label>
          <select
            id={ids.assignee}
            value={draft.assigneeId}
            onChange={(event) => {
              const assigneeId = event.target.value;
              // A professional's visit is watched by default: nobody checking in is worth an alert.
              const role = assignable.find((m) => m.userId === assigneeId)?.role;
              update({ assigneeId, alertIfMissed: role === "professional" ? true : draft.alertIfMissed });
            }}
          >
            <option value="">{t("planAssigneeOpen")}</option>
            {assignable.map((member) => (
              <option key={member.userId} value={member.userId}>
                {member.userId === userId ? `${member.name} (${t("you")})` : member.name} · {t(`role_${member.role}`)}
              </option>
            ))}
          </select>
        </div>
        <MinutesField
          id={ids.reminder}
          label={t("planReminder")}
          choices={REMINDERS}
          value={draft.reminderMinutes}
          format={(value) => (value === 0 ? t("reminderNone") : t("reminderBefore", { time: minutes(value) }))}
          onChange={(reminderMinutes) => update({ reminderMinutes })}
        />
        <div className="checkbox-field">
          <input id={ids.alert} type="checkbox" checked={draft.alertIfMissed} onChange={(event) => update({ alertIfMissed: event.target.checked })} />
          <label htmlFor={ids.alert}>{t(draft.kind === "visit" ? "planAlertIfMissedVisit" : "planAlertIfMissedTask")}</label>
        </div>
        {draft.alertIfMissed ? (
          <MinutesField
            id={ids.late}
            label={t("planLateAfter")}
            choices={LATE_AFTER}
            value={draft.lateAfterMinutes}
            format={minutes}
            onChange={(lateAfterMinutes) => update({ lateAfterMinutes })}
          />
        ) : null}
        {isEdit && (plan?.recurrence ?? null) !== null ? (
          <FormField label={t("planFromDate")} hint={t("planFromDateHint")} type="date" value={fromDate} min={today} onChange={(event) => setFromDate(event.target.value)} />
        ) : null}
        <FormError text={error} />
        <div className="actions-row">
          <button type="submit" className="button button-primary" disabled={isBusy || !canChange}>
            {isEdit ? t("planSaveChanges") : t("planCreate")}
          </button>
          {isEdit && canChange ? (
            <button type="button" className="button button-secondary" disabled={isBusy} onClick={() => void remove()}>
              {t("planDelete")}
            </button>
          ) : null}
        </div>
      </form>
    </Page>
  );
}

/** A choice of minutes: the usual values plus the stored one, so editing a plan never loses its value. */
function MinutesField(props: {
  id: string;
  label: string;
  choices: readonly number[];
  value: number;
  format: (minutes: number) => string;
  onChange: (minutes: number) => void;
}) {
  const values = [...new Set([...props.choices, props.value])].sort((a, b) => a - b);
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(event) => props.onChange(Number(event.target.value))}>
        {values.map((value) => (
          <option key={value} value={value}>
            {props.format(value)}
          </option>
        ))}
      </select>
    </div>
  );
}
