import type { HexKey } from "./keys.js";

/**
 * Where every object of a video lives (docs/architecture.md §5.3, §6.6). Videos served openly
 * keep the upstream layout byte for byte; every other video keeps its served objects
 * (playlists, segments, MP4, thumbnails, subtitles) under `restricted/`, a CDN behaviour that
 * requires a signature. Which space a video belongs in is a policy (`mediaKeySpaceOf`). The hex key stays the second-to-last folder in both spaces, so one wildcard
 * resource, `restricted/*\/<hex>/*`, covers all of a protected video's objects.
 */
export type KeySpace = "public" | "restricted";

export const TRANSCODE_PREFIX = "transcoded";
export const THUMBNAIL_PREFIX = "thumbnails";
export const SUBTITLE_PREFIX = "subtitles";
export const RESTRICTED_PREFIX = "restricted";
export const RETRANSCODE_FOLDER = "retranscode";

export const HLS_PLAYLIST_SUFFIX = "__index.m3u8";
/** Outputs of one transcode, relative to its prefix; names from the MediaConvert templates. */
export const TRANSCODE_OUTPUT_NAMES = {
  hlsPlaylist: `video${HLS_PLAYLIST_SUFFIX}`,
  hlsMaster: "video.m3u8",
  hlsVariants: ["video_HLS2M.m3u8", "video_HLS1.5M.m3u8", "video_HLS400k.m3u8"],
  mp4: "video_custom.mp4",
} as const;
export const THUMBNAIL_NAME = "video_thumbnail.0000000.jpg";

const inSpace = (space: KeySpace, key: string): string =>
  space === "restricted" ? `${RESTRICTED_PREFIX}/${key}` : key;

/**
 * Python `os.path.splitext` extension of the last path segment of a URL, ignoring query and
 * fragment: keeps case and the dot, "" when there is none, a lone leading dot is no extension.
 */
export const sourceExtension = (sourceUrl: string): string => {
  const withoutFragment = sourceUrl.split("#", 1)[0] ?? "";
  const withoutQuery = withoutFragment.split("?", 1)[0] ?? "";
  const afterScheme = withoutQuery.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/]*/, "");
  const segment = afterScheme.slice(afterScheme.lastIndexOf("/") + 1);
  const dot = segment.lastIndexOf(".");
  if (dot <= 0) return "";
  // splitext skips leading dots: "..a" has no extension.
  if (/^\.+$/.test(segment.slice(0, dot))) return "";
  return segment.slice(dot);
};

/** Original upload in the upload bucket: `<hex>/video<ext>` (upstream `Video.get_s3_key`). */
export const originalKey = (hex: HexKey, sourceUrl: string): string =>
  `${hex}/video${sourceExtension(sourceUrl)}`;

/** Folder that holds one video's live transcode outputs. */
export const transcodePrefix = (hex: HexKey, space: KeySpace): string =>
  inSpace(space, `${TRANSCODE_PREFIX}/${hex}`);

/** Staging folder a retranscode writes to before its outputs replace the live ones. */
export const retranscodeStagingPrefix = (hex: HexKey): string =>
  `${RETRANSCODE_FOLDER}/${TRANSCODE_PREFIX}/${hex}`;

/** Destination base name the transcoder appends its name modifiers to. */
export const transcodeDestination = (prefix: string): string => `${prefix}/video`;

export const hlsPlaylistKey = (hex: HexKey, space: KeySpace): string =>
  `${transcodePrefix(hex, space)}/${TRANSCODE_OUTPUT_NAMES.hlsPlaylist}`;

export const mp4Key = (hex: HexKey, space: KeySpace): string =>
  `${transcodePrefix(hex, space)}/${TRANSCODE_OUTPUT_NAMES.mp4}`;

export const thumbnailPrefix = (hex: HexKey, space: KeySpace): string =>
  inSpace(space, `${THUMBNAIL_PREFIX}/${hex}`);

export const thumbnailKey = (hex: HexKey, space: KeySpace): string =>
  `${thumbnailPrefix(hex, space)}/${THUMBNAIL_NAME}`;

export const subtitlePrefix = (hex: HexKey, space: KeySpace): string =>
  inSpace(space, `${SUBTITLE_PREFIX}/${hex}`);

/** `YYYYmmddHHMMSS` in UTC, one-second resolution. */
export const compactUtcTimestamp = (at: Date): string =>
  at
    .toISOString()
    .replace(/\.\d{3}Z$/, "")
    .replace(/[-:T]/g, "");

/** `subtitles/<hex>/subtitles_<hex>_<YYYYmmddHHMMSS>_<lang>.vtt`; always VTT. */
export const subtitleKey = (hex: HexKey, at: Date, language: string, space: KeySpace): string =>
  `${subtitlePrefix(hex, space)}/subtitles_${hex}_${compactUtcTimestamp(at)}_${language}.vtt`;

/** Every prefix under which a video's served objects live in one space. */
export const servedPrefixes = (hex: HexKey, space: KeySpace): ReadonlyArray<string> => [
  transcodePrefix(hex, space),
  thumbnailPrefix(hex, space),
  subtitlePrefix(hex, space),
];

/**
 * The CDN URL paths of a protected video's served folders. Signed cookies are set once per path,
 * so each video's cookies reach only its own objects and the cookies of several videos open in
 * one browser do not overwrite each other.
 */
export const protectedCookiePaths = (hex: HexKey): ReadonlyArray<string> =>
  servedPrefixes(hex, "restricted").map((prefix) => `/${prefix}/`);

/** The same object in the other key space (for the visibility move). */
export const keyInSpace = (key: string, space: KeySpace): string => {
  const unrestricted = key.startsWith(`${RESTRICTED_PREFIX}/`)
    ? key.slice(RESTRICTED_PREFIX.length + 1)
    : key;
  return inSpace(space, unrestricted);
};

export const spaceOfKey = (key: string): KeySpace =>
  key.startsWith(`${RESTRICTED_PREFIX}/`) ? "restricted" : "public";

const SERVED_FOLDERS: ReadonlySet<string> = new Set([TRANSCODE_PREFIX, THUMBNAIL_PREFIX, SUBTITLE_PREFIX]);

/**
 * Whether the CDN serves the object at `key` from a media behaviour (transcode outputs,
 * thumbnails, subtitles, in either space). Anything else, such as an original upload
 * (`<hex>/video.mp4`) or a retranscode's staging folder, is never handed to a player.
 */
export const isServedKey = (key: string): boolean => {
  const unrestricted = keyInSpace(key, "public");
  return SERVED_FOLDERS.has(unrestricted.slice(0, unrestricted.indexOf("/")));
};

/** Where a staged retranscode output goes live: the staging folder is swapped for the live prefix. */
export const liveKeyForStagedKey = (stagedKey: string, hex: HexKey, space: KeySpace): string | undefined => {
  const staging = `${retranscodeStagingPrefix(hex)}/`;
  return stagedKey.startsWith(staging)
    ? `${transcodePrefix(hex, space)}/${stagedKey.slice(staging.length)}`
    : undefined;
};

/**
 * The path pattern a single CDN signature grants for a protected video: every object whose
 * key is `restricted/<kind>/<hex>/...`.
 */
export const protectedResourcePattern = (hex: HexKey): string => `${RESTRICTED_PREFIX}/*/${hex}/*`;

/** An HLS file is tracked by its `__index.m3u8`; deleting it removes its whole folder. */
export const folderOf = (key: string): string => key.slice(0, Math.max(0, key.lastIndexOf("/")));
