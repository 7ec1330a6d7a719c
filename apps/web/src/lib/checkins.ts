import { api } from "./api";
import { CheckinsResponse } from "./answer-shapes";

/** Today's check-in of a circle as the server knows it (`at`/`by` absent: nobody checked in yet). */
export type CheckinToday = { date: string; at?: string; by?: string };

/** The browser's local date `days` from today as YYYY-MM-DD. */
function localDate(days: number): string {
  const date = new Date();
  date.setDate(date.getDate() + days);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * Asks the server whether someone checked in today. The circle's "today" (its check-in time zone)
 * may differ from this device's by a day, so the range spans the days around it and the answer's
 * `today` picks the one that counts.
 */
export async function fetchCheckinToday(circleId: string): Promise<CheckinToday> {
  const { checkins, today } = await api.get(`/api/circles/${circleId}/checkins?from=${localDate(-1)}&to=${localDate(1)}`, CheckinsResponse);
  return { date: today, ...checkins.find((c) => c.date === today) };
}
