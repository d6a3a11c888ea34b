import type { Context } from "koa";
import type { PlaybackCookies } from "@ovs/domain";

/** Where the grant's cookies may go: `OVS_PLAYBACK_COOKIE_DOMAIN`, and whether the app is on plain http. */
export interface PlaybackCookieSettings {
  /** The `Domain` the app and the CDN share; null for host-only cookies. */
  readonly domain: string | null;
  /** Cookies without `Secure`: only the local profile, which is plain http on loopback. */
  readonly insecure: boolean;
}

/**
 * Sets a protected video's grant as CDN cookies (CloudFront signed cookies), once for each of its
 * served folders, so a player that cannot add query parameters to every request (a plain
 * `<video>` element, a native HLS player) still gets its media. HttpOnly, as only the CDN reads
 * them; `SameSite=Lax`, as the CDN shares the app's site; they end with the grant.
 */
export const setPlaybackCookies = (
  ctx: Context,
  cookies: PlaybackCookies,
  settings: PlaybackCookieSettings,
): void => {
  for (const path of cookies.paths) {
    for (const [name, value] of Object.entries(cookies.values)) {
      ctx.cookies.set(name, value, {
        path,
        ...(settings.domain === null ? {} : { domain: settings.domain }),
        expires: cookies.expiresAt,
        httpOnly: true,
        sameSite: "lax",
        secure: !settings.insecure,
        // The same names are set once per path: Koa's overwrite would keep only the last path.
        overwrite: false,
        signed: false,
      });
    }
  }
};
