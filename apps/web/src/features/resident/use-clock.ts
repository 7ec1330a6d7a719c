import { useEffect, useState } from "react";

/** The current time, refreshed every 20 s: the resident's screen doubles as a clock. */
export function useClock(intervalMs = 20_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
