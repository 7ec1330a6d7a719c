import { useId } from "react";
import { CircleFrame } from "../circles/circle-frame";
import { useCirclesStore } from "../circles/circles.store";
import type { Language } from "../i18n/i18n.store";
import { useT } from "../i18n/use-t";
import { useSessionStore } from "../session/session.store";
import { AccessLogList } from "./access-log-list";
import { privacyWords } from "./privacy-words";
import "./access-log.css";

// This screen's own few words, nl/fr/en, lazy with it (glossary: "u" in Dutch, "vous" in French).
const screenWords: Record<Language, { intro: string; notAllowed: string }> = {
  en: {
    intro: "Everyone who read something in this circle, on which kind of device, and what changed in it.",
    notAllowed: "Only the resident, the family and the coordinators of this circle can see who looked.",
  },
  nl: {
    intro: "Iedereen die iets las in deze kring, op welk soort toestel, en wat erin veranderde.",
    notAllowed: "Alleen de bewoner, de familie en de coördinatoren van deze kring kunnen zien wie keek.",
  },
  fr: {
    intro: "Toutes les personnes qui ont lu quelque chose dans ce cercle, sur quel type d'appareil, et ce qui y a changé.",
    notAllowed: "Seuls le résident, la famille et les coordinateurs de ce cercle peuvent voir qui a consulté.",
  },
};

/** The circle's access log for family and coordinators (issue #11): who read what, in plain sentences. */
export default function AccessLogScreen({ circleId }: { circleId: string }) {
  const { language } = useT();
  const words = screenWords[language];
  const headingId = useId();
  const myRole = useCirclesStore((state) => state.circles.find((c) => c.id === circleId)?.myRole);
  const userId = useSessionStore((state) => state.user?.id) ?? "";
  // The same roles as the server's `access_log.read`; others would only get a 403.
  const mayRead = myRole === "family" || myRole === "coordinator" || myRole === "resident";
  return (
    <CircleFrame circleId={circleId} tab="access-log">
      {mayRead ? (
        <section className="panel" aria-labelledby={headingId}>
          <h2 id={headingId}>{privacyWords[language].accessLogTitle}</h2>
          <p>{words.intro}</p>
          <div className="access-log-staff">
            <AccessLogList circleId={circleId} userId={userId} showDevice />
          </div>
        </section>
      ) : (
        <p>{words.notAllowed}</p>
      )}
    </CircleFrame>
  );
}
