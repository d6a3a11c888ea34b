import type { EdxPost } from "../api/schema-types.js";

/** How an edX post's outcome reads in the settings' results table. */
export const EDX_OUTCOME_TEXT: Readonly<Record<EdxPost["outcome"], string>> = {
  Created: "Added to edX",
  Updated: "Updated in edX",
  Rejected: "Refused by edX",
  Failed: "Could not be sent",
  NotEligible: "Not sent: not eligible",
};

/** edxval's answer in words: its HTTP status and what it said (or why nothing was sent). */
export const edxAnswerText = (post: Pick<EdxPost, "status" | "detail">): string =>
  [post.status === null ? "" : `HTTP ${post.status}`, post.detail ?? ""]
    .filter((part) => part !== "")
    .join(": ") || "—";

/** How long the settings page watches for the posts of a sync, and how often it looks. */
export const EDX_SYNC_POLL_MS = 2_000;
export const EDX_SYNC_WATCH_MS = 30_000;

const pairOf = (post: Pick<EdxPost, "video_key" | "endpoint_id">) => `${post.video_key}|${post.endpoint_id}`;

/** When each (video, endpoint) was last posted, as read before a sync: the baseline it is compared to. */
export const postTimes = (posts: ReadonlyArray<EdxPost>): ReadonlyMap<string, string> =>
  new Map(posts.map((post) => [pairOf(post), post.posted_at]));

/**
 * Which of the videos a sync said it would post have a record from after the click: posted at
 * or after `clickedAtMs`, or different from the one read before the click (`before`; null when
 * the list had not been read). The second test keeps a browser clock that runs ahead of the
 * service's from hiding a fresh post.
 */
export const videosAnswered = (
  toPost: ReadonlyArray<string>,
  posts: ReadonlyArray<EdxPost>,
  before: ReadonlyMap<string, string> | null,
  clickedAtMs: number,
): ReadonlySet<string> => {
  const wanted = new Set(toPost);
  return new Set(
    posts
      .filter(
        (post) =>
          wanted.has(post.video_key) &&
          (Date.parse(post.posted_at) >= clickedAtMs ||
            (before !== null && before.get(pairOf(post)) !== post.posted_at)),
      )
      .map((post) => post.video_key),
  );
};

/** The live region's sentence while and after a sync is watched. */
export const syncProgressText = (answered: number, total: number, watching: boolean): string => {
  if (total === 0) return "Nothing was queued for edX.";
  const videos = `${total} video${total === 1 ? "" : "s"}`;
  if (answered >= total) return `edX answered for ${total === 1 ? "the video" : `all ${videos}`}.`;
  if (watching) return `Posting to edX: ${answered} of ${videos} answered so far…`;
  return `Stopped watching after ${EDX_SYNC_WATCH_MS / 1000} seconds: ${answered} of ${videos} answered. Posts still on their way show up when you reload this page.`;
};
