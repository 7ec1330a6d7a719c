import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from "react";

/** How close (px) to the end still counts as "reading the newest message". */
const AT_END_SLACK_PX = 24;
/** Space kept between the newest message and whatever covers the bottom (the message box). */
const GAP_PX = 8;

type Frame = { list: HTMLElement | null; scroller: HTMLElement | null; cover: HTMLElement | null };

/** The newest item's bottom edge; undefined while there is none or it has no layout (jsdom). */
function newestBottom(frame: Frame): number | undefined {
  const rect = frame.list?.lastElementChild?.getBoundingClientRect();
  return rect && rect.height > 0 ? rect.bottom : undefined;
}

/** Where the readable area ends: the message box's top, or the scrolling list's (or window's) bottom. */
function visibleBottom(frame: Frame): number {
  const frameBottom = frame.scroller ? frame.scroller.getBoundingClientRect().bottom : window.innerHeight;
  const coverTop = frame.cover?.getBoundingClientRect().top;
  return coverTop === undefined ? frameBottom : Math.min(frameBottom, coverTop);
}

function isNewestInView(frame: Frame): boolean {
  const bottom = newestBottom(frame);
  return bottom === undefined || bottom <= visibleBottom(frame) + AT_END_SLACK_PX;
}

/** Scrolls just far enough that the newest item is fully above the message box. */
function revealNewest(frame: Frame): void {
  const bottom = newestBottom(frame);
  if (bottom === undefined) return;
  if (frame.scroller) {
    frame.scroller.scrollTo({ top: frame.scroller.scrollHeight, behavior: "instant" });
    return;
  }
  const overlap = bottom - visibleBottom(frame) + GAP_PX;
  if (overlap > 0) window.scrollBy({ top: overlap, behavior: "instant" });
}

/**
 * Keeps the newest message of a list in view, the way chat apps do: on opening, on one's own send,
 * and on a new message while the reader is at the end, the newest message is scrolled fully above
 * the message box (`cover`, sticky at the bottom of the page) after layout; while the reader has
 * scrolled up to read older messages, a new one only raises `hasNewBelow` (the "New messages" button).
 *
 * `scroller` is the element that scrolls (the tablet's message list), or absent when the page does.
 * `newestKey` changes when a message is added at the end; `ownKey` when the reader sends one.
 */
export function useFollowNewest(options: {
  list: RefObject<HTMLElement | null>;
  scroller?: RefObject<HTMLElement | null>;
  cover?: RefObject<HTMLElement | null>;
  newestKey: string | undefined;
  ownKey: number;
}): { hasNewBelow: boolean; showNewest: () => void; isReadingNewest: () => boolean } {
  const { list, scroller, cover, newestKey, ownKey } = options;
  const [hasNewBelow, setHasNewBelow] = useState(false);
  /** Whether the reader was at the end before the last change: decides follow vs. button. */
  const isAtEnd = useRef(true);
  const isOpening = useRef(false);
  const previousKey = useRef<string | undefined>(undefined);
  const previousOwn = useRef(ownKey);

  const showNewest = () => {
    revealNewest({ list: list.current, scroller: scroller?.current ?? null, cover: cover?.current ?? null });
    isAtEnd.current = true;
    setHasNewBelow(false);
  };

  // After layout, before paint: follow the newest message or offer the button.
  useLayoutEffect(() => {
    const frame = { list: list.current, scroller: scroller?.current ?? null, cover: cover?.current ?? null };
    isOpening.current = previousKey.current === undefined && newestKey !== undefined;
    const isOwn = previousOwn.current !== ownKey;
    const isNew = previousKey.current !== newestKey;
    previousKey.current = newestKey;
    previousOwn.current = ownKey;
    if (newestKey === undefined || (!isNew && !isOwn)) return;
    if (isOpening.current || isOwn || isAtEnd.current) {
      revealNewest(frame);
      isAtEnd.current = true;
      setHasNewBelow(false);
    } else {
      setHasNewBelow(true);
    }
  }, [newestKey, ownKey, list, scroller, cover]);

  // Once more after the screen's passive effects: an in-app navigation focuses the page heading
  // (navigation/page.tsx), which scrolls the page back to the top.
  useEffect(() => {
    if (!isOpening.current) return;
    isOpening.current = false;
    revealNewest({ list: list.current, scroller: scroller?.current ?? null, cover: cover?.current ?? null });
  }, [newestKey, list, scroller, cover]);

  // The reader's position, remembered at every scroll; content that grows above or below the list
  // (a presence line, an alert card, the typing line) keeps a reader at the end there.
  useEffect(() => {
    const frame = () => ({ list: list.current, scroller: scroller?.current ?? null, cover: cover?.current ?? null });
    const target: HTMLElement | Window = scroller?.current ?? window;
    const onScroll = () => {
      isAtEnd.current = isNewestInView(frame());
      if (isAtEnd.current) setHasNewBelow(false);
    };
    target.addEventListener("scroll", onScroll, { passive: true });
    const observer =
      typeof ResizeObserver === "undefined"
        ? undefined
        : new ResizeObserver(() => {
            if (isAtEnd.current && !isNewestInView(frame())) revealNewest(frame());
          });
    observer?.observe(scroller?.current ?? document.body);
    return () => {
      target.removeEventListener("scroll", onScroll);
      observer?.disconnect();
    };
  }, [list, scroller, cover]);

  /** For "read" markers: whether the newest message is where the reader looks (stable identity). */
  const isReadingNewest = useCallback(() => isAtEnd.current, []);

  return { hasNewBelow, showNewest, isReadingNewest };
}
