import { readFile, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import type { Middleware } from "koa";
import { webAssetsDir } from "./web-assets.js";

export interface WebRoutesOptions {
  /** The built UI (`index.html` and `assets/`); `@ovs/web`'s `dist/` by default. */
  readonly assetsDir?: string;
  /** Origins the pages load media from besides their own: the CDN (`https://d123.cloudfront.net`). */
  readonly mediaOrigins: ReadonlyArray<string>;
  /** `DROPBOX_KEY` is set: the upload dialog loads Dropbox's Chooser script from its one origin. */
  readonly dropboxChooser: boolean;
}

/** Hashed asset files: their names change with their content, so they are cached for good. */
export const ASSETS_PREFIX = "/static/assets/";
const IMMUTABLE = "public, max-age=31536000, immutable";
const DROPBOX_ORIGIN = "https://www.dropbox.com";

/** Paths the pages never answer: the API, sign-in, the dev tools, health and metrics. */
const RESERVED = /^\/(api|dev|health|metrics|login|logout|auth|static|admin)(\/|$)/;

const KEY = "[0-9a-f]{32}";
/** The UI's pages (the upstream URLs among them); other paths get the 404 page. */
const PAGES: ReadonlyArray<RegExp> = [
  /^\/collections\/?$/,
  new RegExp(`^/collections/${KEY}/?$`),
  new RegExp(`^/collections/${KEY}/settings/?$`),
  new RegExp(`^/videos/${KEY}/?$`),
  /^\/tokens\/?$/,
  /^\/edx-endpoints\/?$/,
  /^\/help(\/|$)/,
  /^\/terms(\/|$)/,
];
const EMBED = new RegExp(`^/videos/${KEY}/embed/?$`);

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".map": "application/json",
};
const SAFE_ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** A CSP source expression that cannot break out of its directive. */
const SOURCE_EXPRESSION = /^[^\s;,'"]+$/;

/**
 * The pages' content security policy: scripts and styles from the service only (no inline code
 * at all), media, playlists and images also from the CDN, MSE's `blob:` URLs for `<video>`.
 * Dropbox's Chooser is the one outside script, allowed only when Dropbox is configured. Pages
 * cannot be framed, except the embed page, which any site may frame.
 */
export const webPagePolicy = (
  options: Pick<WebRoutesOptions, "mediaOrigins" | "dropboxChooser">,
  frameable: boolean,
): string => {
  const refused = options.mediaOrigins.find((source) => !SOURCE_EXPRESSION.test(source));
  if (refused !== undefined) throw new Error(`not a CSP source expression: ${JSON.stringify(refused)}`);
  const media = ["'self'", ...options.mediaOrigins].join(" ");
  const dropbox = options.dropboxChooser ? ` ${DROPBOX_ORIGIN}` : "";
  return [
    "default-src 'self'",
    `script-src 'self'${dropbox}`,
    "style-src 'self'",
    `img-src ${media}`,
    `media-src ${media} blob:`,
    `connect-src ${media}`,
    `frame-src ${options.dropboxChooser ? DROPBOX_ORIGIN : "'none'"}`,
    "worker-src 'none'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${frameable ? "*" : "'none'"}`,
  ].join("; ");
};

/**
 * The web UI: the hashed assets under `/static/assets/` with a year-long immutable cache, and the
 * HTML shell (never cached, so a deploy takes effect at once) for every page; the UI then reads
 * the API. `/` goes to `/collections/`. A path that is no page gets the shell with status 404,
 * and the UI shows its 404 page. Mount it after the API router: it only answers GET and HEAD
 * of paths nothing else answered, and never a reserved path (`/api/`, `/login/`, …).
 */
export const webRoutes = (options: WebRoutesOptions): Middleware => {
  const assetsDir = options.assetsDir ?? webAssetsDir();
  const pagePolicy = webPagePolicy(options, false);
  const embedPolicy = webPagePolicy(options, true);
  let shell: string | undefined;
  const readShell = async (): Promise<string | undefined> => {
    // Read once, after a successful build; while there is none, look again on each request.
    shell ??= await readFile(join(assetsDir, "index.html"), "utf8").catch(() => undefined);
    return shell;
  };

  return async (ctx, next) => {
    await next();
    if (ctx.body != null || (ctx.status !== 404 && ctx.status !== 405)) return;
    if (ctx.method !== "GET" && ctx.method !== "HEAD") return;
    const path = ctx.path;

    if (path.startsWith(ASSETS_PREFIX)) {
      const name = path.slice(ASSETS_PREFIX.length);
      if (!SAFE_ASSET_NAME.test(name)) return;
      const file = join(assetsDir, "assets", name);
      const found = await stat(file).catch(() => undefined);
      if (found === undefined || !found.isFile()) return;
      ctx.status = 200;
      ctx.type = CONTENT_TYPES[extname(name)] ?? "application/octet-stream";
      ctx.set("Cache-Control", IMMUTABLE);
      ctx.body = await readFile(file);
      return;
    }
    if (path === "/favicon.ico") {
      ctx.status = 204;
      ctx.set("Cache-Control", "public, max-age=86400");
      return;
    }
    if (RESERVED.test(path)) return;
    if (path === "/") {
      ctx.redirect("/collections/");
      return;
    }

    const html = await readShell();
    if (html === undefined) {
      ctx.status = 503;
      ctx.type = "text/plain";
      ctx.body =
        "The web UI has not been built: run `pnpm --filter @ovs/web build` (pnpm install does it).\n";
      return;
    }
    const embed = EMBED.test(path);
    ctx.status = embed || PAGES.some((page) => page.test(path)) ? 200 : 404;
    ctx.type = "html";
    ctx.set("Cache-Control", "no-cache");
    ctx.set("Content-Security-Policy", embed ? embedPolicy : pagePolicy);
    ctx.body = html;
  };
};
