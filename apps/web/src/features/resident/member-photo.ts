import { useEffect, useState } from "react";
import { useSessionStore } from "../session/session.store";

// A member's profile photo (`GET /api/users/:id/photo`, co-members only) as a data: URL. An <img>
// cannot send the Bearer token, so the picture is fetched and kept per user for the page's life.
// Only members the member list marks `hasPhoto` are asked for; the others show their initials. A data: URL rather than
// a blob: one because the server's Content-Security-Policy allows images from 'self' and data: only.

const photos = new Map<string, Promise<string | null>>();

async function fetchPhoto(userId: string): Promise<string | null> {
  const session = useSessionStore.getState();
  const get = (token: string | undefined) =>
    fetch(`/api/users/${userId}/photo`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  let response = await get(session.token);
  if (response.status === 401) response = await get(await session.renewToken());
  if (!response.ok) return null;
  const blob = await response.blob();
  return new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === "string" ? reader.result : null);
    reader.onerror = () => resolve(null);
    reader.readAsDataURL(blob);
  });
}

/** The photo's URL once loaded; null without one (pass null for a member the list says has none). */
export function useMemberPhoto(userId: string | null): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (userId === null) return;
    let isCurrent = true;
    let pending = photos.get(userId);
    if (pending === undefined) {
      pending = fetchPhoto(userId)
        .catch(() => null)
        .then((found) => {
          if (found === null) photos.delete(userId); // a failure (or a photo just removed) is asked again next time
          return found;
        });
      photos.set(userId, pending);
    }
    void pending.then((found) => {
      if (isCurrent) setUrl(found);
    });
    return () => {
      isCurrent = false;
    };
  }, [userId]);
  return userId === null ? null : url;
}

/** "Marie Peeters" → "MP"; one name → its first letter. */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]!, words[words.length - 1]!] : words;
  return letters.map((word) => [...word][0]?.toUpperCase() ?? "").join("");
}
