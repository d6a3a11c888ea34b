/**
 * A player's view of a video's media on the CDN, for the protected-playback tests: it walks the
 * HLS master playlist to every variant playlist and every segment, then fetches the MP4, the
 * poster and each subtitle track, carrying a grant as a player does (hls.js `xhrSetup`: the
 * grant's query parameters on every request; or the CDN cookies the playback endpoint set).
 */

/** How a request proves it may fetch: the grant's query parameters, CDN cookies, or nothing. */
export interface CdnCredentials {
  readonly query?: Readonly<Record<string, string>>;
  /** The `Cookie` header for a URL, as a browser picks cookies by path. */
  readonly cookie?: (url: string) => string;
}

export type MediaKind = "master" | "variant" | "segment" | "mp4" | "poster" | "subtitle";

/** One object a crawl asked for: its URL without query, and the CDN's answer. */
export interface Fetched {
  readonly kind: MediaKind;
  readonly url: string;
  readonly status: number;
}

/** A video's media as the playback endpoint lists them. */
export interface VideoMedia {
  readonly hls: string;
  readonly mp4: string | null;
  readonly poster: string | null;
  readonly subtitles: ReadonlyArray<string>;
}

/** `url` without its query: what a player starts from before it appends the grant. */
export const plainUrlOf = (url: string): string => {
  const plain = new URL(url);
  plain.search = "";
  return plain.href;
};

/** The URL with the grant's parameters set, as hls.js `xhrSetup` / Video.js `beforeRequest` do. */
export const withQuery = (url: string, query: Readonly<Record<string, string>> = {}): string => {
  const target = new URL(url);
  for (const [name, value] of Object.entries(query)) target.searchParams.set(name, value);
  return target.href;
};

export interface CrawlOptions {
  /** Where requests really go: the URL a player was handed, rewritten (a CDN on loopback). */
  readonly via?: (url: string) => string;
}

/** Fetches one CDN object with the credentials; the body is read to the end (a player plays it). */
export const fetchFromCdn = async (
  url: string,
  credentials: CdnCredentials,
  options: CrawlOptions = {},
): Promise<{ readonly status: number; readonly body: string }> => {
  const target = (options.via ?? ((same) => same))(withQuery(url, credentials.query));
  const response = await fetch(target, {
    headers: credentials.cookie === undefined ? {} : { cookie: credentials.cookie(url) },
  });
  const bytes = await response.arrayBuffer();
  return { status: response.status, body: Buffer.from(bytes).toString("utf8") };
};

/** The URIs of a playlist's entries (variant playlists or segments), resolved against it, without query. */
export const playlistEntries = (playlist: string, playlistUrl: string): ReadonlyArray<string> =>
  playlist
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((uri) => plainUrlOf(new URL(uri, plainUrlOf(playlistUrl)).href));

const served = (status: number) => status === 200 || status === 206;

/**
 * Walks a video as a player does with `credentials`: the master playlist, each variant playlist
 * it names, each segment those name, then the MP4, the poster and the subtitles. A playlist that
 * is refused ends that branch, since a player could not learn what it lists.
 */
export const crawlVideo = async (
  media: VideoMedia,
  credentials: CdnCredentials,
  options: CrawlOptions = {},
): Promise<ReadonlyArray<Fetched>> => {
  const fetched: Array<Fetched> = [];
  const get = async (kind: MediaKind, url: string) => {
    const plain = plainUrlOf(url);
    const answer = await fetchFromCdn(plain, credentials, options);
    fetched.push({ kind, url: plain, status: answer.status });
    return answer;
  };
  const master = await get("master", media.hls);
  if (served(master.status)) {
    for (const variantUrl of playlistEntries(master.body, media.hls)) {
      const variant = await get("variant", variantUrl);
      if (!served(variant.status)) continue;
      for (const segmentUrl of playlistEntries(variant.body, variantUrl)) await get("segment", segmentUrl);
    }
  }
  if (media.mp4 !== null) await get("mp4", media.mp4);
  if (media.poster !== null) await get("poster", media.poster);
  for (const subtitle of media.subtitles) await get("subtitle", subtitle);
  return fetched;
};

/** Fetches each of `urls` (found by an allowed crawl) with `credentials`; the status of each. */
export const fetchEach = async (
  urls: ReadonlyArray<Fetched>,
  credentials: CdnCredentials,
  options: CrawlOptions = {},
): Promise<ReadonlyArray<Fetched>> => {
  const answers: Array<Fetched> = [];
  for (const { kind, url } of urls) {
    answers.push({ kind, url, status: (await fetchFromCdn(url, credentials, options)).status });
  }
  return answers;
};

/** How many objects of each kind a crawl reached, as `master=1 variant=3 …`. */
export const countsByKind = (fetched: ReadonlyArray<Fetched>): string => {
  const counts = new Map<MediaKind, number>();
  for (const { kind } of fetched) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return [...counts].map(([kind, count]) => `${kind}=${String(count)}`).join(" ");
};

/** The grant with one character of its signature changed, as a tampering viewer would. */
export const withTamperedSignature = (
  query: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> => {
  const signature = query["Signature"] ?? "";
  const middle = Math.floor(signature.length / 2);
  const changed = signature[middle] === "A" ? "B" : "A";
  return { ...query, Signature: `${signature.slice(0, middle)}${changed}${signature.slice(middle + 1)}` };
};

/** The `Cookie` header a browser sends for `url` from a response's Set-Cookie headers (path match only). */
export const cookieHeaderFor = (setCookies: ReadonlyArray<string>, url: string): string => {
  const path = new URL(url).pathname;
  return setCookies
    .map((header) => {
      const [pair = "", ...attributes] = header.split(";").map((part) => part.trim());
      const cookiePath =
        attributes.find((part) => part.toLowerCase().startsWith("path="))?.slice("path=".length) ?? "/";
      return { pair, cookiePath };
    })
    .filter(({ cookiePath }) => path.startsWith(cookiePath))
    .map(({ pair }) => pair)
    .join("; ");
};
