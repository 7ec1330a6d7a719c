import type { ReactNode } from "react";
import { Link } from "../../navigation/link";
import { Page } from "../../navigation/page";
import { paths } from "../../navigation/router";
import { useT } from "../i18n/use-t";
import { useCirclesStore } from "./circles.store";

type CircleTab = "conversation" | "members" | "settings" | "calendar" | "access-log";

/** The circle's name as the page heading, and its sections as links (the current one marked). */
export function CircleFrame({ circleId, tab, children }: { circleId: string; tab: CircleTab; children: ReactNode }) {
  const { t } = useT();
  const circle = useCirclesStore((state) => state.circles.find((c) => c.id === circleId));
  const loadState = useCirclesStore((state) => state.loadState);
  if (!circle) {
    return (
      <Page title={loadState === "loaded" ? t("errorForbidden") : t("loading")}>
        <p>
          <Link to={paths.circles}>{t("backToCircles")}</Link>
        </p>
      </Page>
    );
  }
  const tabs: Array<{ id: CircleTab; to: string; label: string }> = [
    { id: "conversation", to: paths.conversation(circleId), label: t("tabConversation") },
    { id: "members", to: paths.members(circleId), label: t("tabMembers") },
    { id: "calendar", to: paths.calendar(circleId), label: t("tabCalendar") },
  ];
  // A volunteer reads no conversation of the circle (issue #11): only its members.
  if (circle.myRole === "volunteer") tabs.shift();
  // Who looked (issue #11): the roles that may read the access log; professionals and volunteers may not.
  if (circle.myRole === "family" || circle.myRole === "coordinator" || circle.myRole === "resident") {
    tabs.push({ id: "access-log", to: paths.accessLog(circleId), label: t("tabAccessLog") });
  }
  if (circle.myRole === "coordinator") {
    tabs.push({ id: "settings", to: paths.circleSettings(circleId), label: t("tabCircleSettings") });
  }
  return (
    <Page key={tab} title={circle.name} className="circle-page">
      <p className="circle-role">{t("yourRole", { role: t(`role_${circle.myRole}`) })}</p>
      <nav aria-label={t("circleNavigation")} className="tabs">
        <ul>
          {tabs.map((item) => (
            <li key={item.id}>
              <Link to={item.to} className="tab" aria-current={item.id === tab ? "page" : undefined}>
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {children}
    </Page>
  );
}
