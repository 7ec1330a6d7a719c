// Calendar days in the reader's time zone (the browser's), as "YYYY-MM-DD" strings. Kept free of
// imports: the resident's card uses them too.

const pad = (n: number) => String(n).padStart(2, "0");

/** The local date of an instant, "YYYY-MM-DD". */
export function localDay(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Noon of a local day: safe from DST edges when days are added. */
export function dayToDate(day: string): Date {
  const [year, month, date] = day.split("-").map(Number);
  return new Date(year ?? 1970, (month ?? 1) - 1, date ?? 1, 12);
}

export function addDays(day: string, days: number): string {
  const date = dayToDate(day);
  date.setDate(date.getDate() + days);
  return localDay(date);
}

/** The Monday of the week that holds `day`. */
export function weekStart(day: string): string {
  const weekday = (dayToDate(day).getDay() + 6) % 7; // 0 = Monday
  return addDays(day, -weekday);
}

/** The local day an occurrence starts on. */
export function dayOfInstant(iso: string): string {
  return localDay(new Date(iso));
}
