/**
 * HLS playlist text: reading a rendition's media playlist, and writing the master playlist
 * that lists the renditions as MediaConvert's does (`BANDWIDTH` the peak segment bitrate,
 * `AVERAGE-BANDWIDTH` the mean, `CODECS` per RFC 6381, `RESOLUTION`).
 */

export interface MediaSegment {
  readonly uri: string;
  readonly durationSeconds: number;
}

/** The segments of a media playlist, in order. */
export const mediaSegments = (playlist: string): ReadonlyArray<MediaSegment> => {
  const segments: Array<MediaSegment> = [];
  let pending: number | null = null;
  for (const raw of playlist.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith("#EXTINF:")) {
      const value = Number.parseFloat(line.slice("#EXTINF:".length));
      pending = Number.isFinite(value) ? value : 0;
    } else if (line.length > 0 && !line.startsWith("#") && pending !== null) {
      segments.push({ uri: line, durationSeconds: pending });
      pending = null;
    }
  }
  return segments;
};

/** Sum of the segment durations, to the millisecond (MediaConvert reports whole milliseconds). */
export const playlistDurationSeconds = (segments: ReadonlyArray<MediaSegment>): number =>
  Math.round(segments.reduce((sum, segment) => sum + segment.durationSeconds, 0) * 1000) / 1000;

export interface MasterVariant {
  readonly uri: string;
  readonly width: number;
  readonly height: number;
  /** Peak bits per second over the segments. */
  readonly bandwidth: number;
  readonly averageBandwidth: number;
  readonly codecs: ReadonlyArray<string>;
}

/** Peak and mean bitrate of a rendition from its segments' sizes and durations. */
export const measuredBandwidth = (
  segments: ReadonlyArray<MediaSegment & { readonly bytes: number }>,
): { readonly bandwidth: number; readonly averageBandwidth: number } => {
  const timed = segments.filter((segment) => segment.durationSeconds > 0);
  const seconds = timed.reduce((sum, segment) => sum + segment.durationSeconds, 0);
  const bits = timed.reduce((sum, segment) => sum + segment.bytes * 8, 0);
  const averageBandwidth = seconds > 0 ? Math.ceil(bits / seconds) : 0;
  const peak = Math.max(
    0,
    ...timed.map((segment) => Math.ceil((segment.bytes * 8) / segment.durationSeconds)),
  );
  return { bandwidth: Math.max(peak, averageBandwidth), averageBandwidth };
};

export const masterPlaylist = (variants: ReadonlyArray<MasterVariant>): string =>
  [
    "#EXTM3U",
    "#EXT-X-VERSION:3",
    "#EXT-X-INDEPENDENT-SEGMENTS",
    ...variants.flatMap((variant) => [
      `#EXT-X-STREAM-INF:BANDWIDTH=${variant.bandwidth},AVERAGE-BANDWIDTH=${variant.averageBandwidth},` +
        `CODECS="${variant.codecs.join(",")}",RESOLUTION=${variant.width}x${variant.height}`,
      variant.uri,
    ]),
    "",
  ].join("\n");
