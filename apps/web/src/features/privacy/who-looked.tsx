import { useEffect, useId, useRef, useState } from "react";
import { useT } from "../i18n/use-t";
import { AccessLogList } from "./access-log-list";
import { accessLogWords } from "./access-log-words";
import "./access-log.css";

/**
 * The resident's "Who looked at my circle": one large button on the tablet's home; one tap opens the
 * page over the home, in large plain words, and "Back" closes it. Lazy-loaded with its words.
 */
export function WhoLooked({ circleId, userId }: { circleId: string; userId: string }) {
  const { language } = useT();
  const words = accessLogWords[language];
  const [isOpen, setOpen] = useState(false);
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (isOpen) heading.current?.focus();
  }, [isOpen]);
  const close = () => {
    setOpen(false);
    requestAnimationFrame(() => opener.current?.focus());
  };

  if (!isOpen) {
    return (
      <button ref={opener} type="button" className="who-looked-button" onClick={() => setOpen(true)}>
        {words.button}
      </button>
    );
  }
  return (
    <section className="who-looked" aria-labelledby={headingId}>
      <button type="button" className="who-looked-back" onClick={close}>
        ← {words.back}
      </button>
      <h2 id={headingId} ref={heading} tabIndex={-1}>
        {words.title}
      </h2>
      <p>{words.intro}</p>
      <AccessLogList circleId={circleId} userId={userId} hideOwnReads />
    </section>
  );
}
