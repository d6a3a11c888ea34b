/** The pages of the UI, as the path names them. Keys are the 32-hex form page URLs use. */
export type PageRoute =
  | { readonly page: "collections" }
  | { readonly page: "collection"; readonly key: string }
  | { readonly page: "collection-settings"; readonly key: string }
  | { readonly page: "video"; readonly key: string }
  | { readonly page: "embed"; readonly key: string }
  | { readonly page: "tokens" }
  | { readonly page: "edx-endpoints" }
  | { readonly page: "help" }
  | { readonly page: "terms" }
  | { readonly page: "not-found" };

const KEY = "([0-9a-f]{32})";

const PATTERNS: ReadonlyArray<readonly [RegExp, (key: string) => PageRoute]> = [
  [/^\/collections\/?$/, () => ({ page: "collections" })],
  [new RegExp(`^/collections/${KEY}/?$`), (key) => ({ page: "collection", key })],
  [new RegExp(`^/collections/${KEY}/settings/?$`), (key) => ({ page: "collection-settings", key })],
  [new RegExp(`^/videos/${KEY}/?$`), (key) => ({ page: "video", key })],
  [new RegExp(`^/videos/${KEY}/embed/?$`), (key) => ({ page: "embed", key })],
  [/^\/tokens\/?$/, () => ({ page: "tokens" })],
  [/^\/edx-endpoints\/?$/, () => ({ page: "edx-endpoints" })],
  // Upstream matched any path under these two.
  [/^\/help(\/|$)/, () => ({ page: "help" })],
  [/^\/terms(\/|$)/, () => ({ page: "terms" })],
];

/** The page a path shows; `not-found` for any other path. */
export const pageRouteOf = (pathname: string): PageRoute => {
  for (const [pattern, route] of PATTERNS) {
    const match = pattern.exec(pathname);
    if (match !== null) return route(match[1] ?? "");
  }
  return { page: "not-found" };
};

/** `/videos/<key>/?start=35`: the share link of a video at a time (whole seconds). */
export const shareUrl = (origin: string, videoKey: string, startSeconds: number): string => {
  const url = new URL(`/videos/${videoKey}/`, origin);
  const start = Math.floor(startSeconds);
  if (start > 0) url.searchParams.set("start", String(start));
  return url.href;
};

/** `?start=35`, `?start=1:02` or `?start=1m2s` as seconds; 0 when absent or unreadable. */
export const startSecondsOf = (search: string): number => {
  const value = new URLSearchParams(search).get("start")?.trim() ?? "";
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const clock = /^(?:(\d+):)?(\d{1,2}):(\d{2})$/.exec(value);
  if (clock !== null) return Number(clock[1] ?? 0) * 3600 + Number(clock[2]) * 60 + Number(clock[3]);
  const units = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
  if (units !== null && value !== "")
    return Number(units[1] ?? 0) * 3600 + Number(units[2] ?? 0) * 60 + Number(units[3] ?? 0);
  return 0;
};

/** The sign-in URL that comes back to `path` (the app checks that `next` is a local path). */
export const signInUrl = (path: string): string =>
  `/login/?${new URLSearchParams({ next: path }).toString()}`;
