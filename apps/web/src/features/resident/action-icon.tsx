/** Plain line icons drawn in the button's own colour (no icon font: tablets render glyphs unevenly). */
export function ActionIcon({ kind }: { kind: "help" | "ok" | "call_me" }) {
  return (
    <svg className="big-button-icon" viewBox="0 0 48 48" aria-hidden="true" focusable="false">
      <circle cx="24" cy="24" r="21" fill="none" stroke="currentColor" strokeWidth="3.5" />
      {kind === "help" ? (
        <>
          <path d="M24 12v15" stroke="currentColor" strokeWidth="5" strokeLinecap="round" />
          <circle cx="24" cy="35" r="3" fill="currentColor" />
        </>
      ) : kind === "ok" ? (
        <path d="M14 25l7 7 13-15" fill="none" stroke="currentColor" strokeWidth="5" strokeLinecap="round" strokeLinejoin="round" />
      ) : (
        <path
          d="M18.5 13.5l-3.5 1.2c-1.2.5-1.8 1.7-1.5 3 1.8 7.4 7.4 13.3 14.8 15.6 1.3.4 2.6-.2 3.1-1.4l1.3-3.4-5.2-3-2.4 2.2c-2.6-1.3-4.8-3.6-6-6.3l2.3-2.3z"
          fill="currentColor"
        />
      )}
    </svg>
  );
}
