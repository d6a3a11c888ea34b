import type { TranscodeRequest } from "@ovs/domain";
import { THUMBNAIL_NAME, TRANSCODE_OUTPUT_NAMES } from "@ovs/domain";

/**
 * What one ffmpeg run writes for a transcode request: the outputs, sizes and bitrates of the
 * MediaConvert templates (docs/architecture.md §5.4; `packages/adapters-aws/test/golden/
 * create-job-*.json`), under the names of `TRANSCODE_OUTPUT_NAMES` and `THUMBNAIL_NAME`. One
 * decode feeds every output: three HLS renditions (10-second segments, GOP 90 frames, AAC
 * stereo 44.1 kHz), the MP4 (30 fps, AAC mono 96 kb/s) unless excluded, and the first frame
 * as a JPEG at the source's size unless excluded. MediaConvert's default scaling stretches to
 * the output size with square pixels, and so does `scale=W:H,setsar=1`. The master playlists
 * (`video.m3u8` and its `video__index.m3u8` copy) are written afterwards from the renditions'
 * real segments (`hls-playlists.ts`): this ffmpeg build's own master playlist writer crashes.
 */

export interface HlsRendition {
  /** The rendition's playlist, one of `TRANSCODE_OUTPUT_NAMES.hlsVariants`. */
  readonly playlist: (typeof TRANSCODE_OUTPUT_NAMES.hlsVariants)[number];
  readonly width: number;
  readonly height: number;
  readonly videoBitrate: number;
  readonly audioBitrate: number;
}

export interface TranscodeTemplate {
  /** Highest first: the order of the master playlist's variants. */
  readonly hls: readonly [HlsRendition, HlsRendition, HlsRendition];
  readonly mp4: { readonly width: number; readonly height: number };
}

const [HLS_2M, HLS_1_5M, HLS_400K] = TRANSCODE_OUTPUT_NAMES.hlsVariants;

/** The landscape and portrait (`for_shorts`) templates, as `mediaConvertJobFor` sends them. */
export const TRANSCODE_TEMPLATES: Readonly<Record<TranscodeRequest["orientation"], TranscodeTemplate>> = {
  landscape: {
    hls: [
      { playlist: HLS_2M, width: 1024, height: 576, videoBitrate: 1_872_000, audioBitrate: 128_000 },
      { playlist: HLS_1_5M, width: 960, height: 540, videoBitrate: 1_500_000, audioBitrate: 128_000 },
      { playlist: HLS_400K, width: 400, height: 224, videoBitrate: 400_000, audioBitrate: 96_000 },
    ],
    mp4: { width: 1280, height: 720 },
  },
  portrait: {
    hls: [
      { playlist: HLS_2M, width: 1080, height: 1920, videoBitrate: 4_000_000, audioBitrate: 128_000 },
      { playlist: HLS_1_5M, width: 720, height: 1280, videoBitrate: 2_000_000, audioBitrate: 128_000 },
      { playlist: HLS_400K, width: 540, height: 960, videoBitrate: 1_000_000, audioBitrate: 96_000 },
    ],
    mp4: { width: 720, height: 1280 },
  },
};

export const HLS_SEGMENT_SECONDS = 10;
export const GOP_SIZE_FRAMES = 90;
export const AUDIO_SAMPLE_RATE = 44_100;
export const MP4_VIDEO_BITRATE = 1_800_000;
export const MP4_AUDIO_BITRATE = 96_000;
export const MP4_FRAME_RATE = 30;
/** H.264 Main profile, level 4.2 (1080×1920 up to 60 fps): `avc1.4d402a` in the master playlist. */
export const H264_PROFILE = "main";
export const H264_LEVEL = "4.2";
export const HLS_VIDEO_CODEC = "avc1.4d402a";
export const HLS_AUDIO_CODEC = "mp4a.40.2";
/** ffmpeg's mjpeg scale (2 best … 31 worst); about MediaConvert's frame-capture quality 80. */
const THUMBNAIL_QSCALE = "4";
/** Generous, so that outputs fed by a slow filter branch never overflow while the others start. */
const MAX_MUXING_QUEUE = "4096";

/** MediaConvert's segment names: `video_HLS2M_00001.ts`. */
export const segmentPattern = (rendition: HlsRendition): string =>
  `${rendition.playlist.replace(/\.m3u8$/, "")}_%05d.ts`;

/** Asks ffmpeg to describe the input and stop (it exits 1: no output was named). */
export const probeArgs = (inputPath: string): ReadonlyArray<string> => [
  "-hide_banner",
  "-nostdin",
  "-i",
  inputPath,
];

export interface TranscodeRun {
  readonly inputPath: string;
  /** Every output is written into this folder under its final name. */
  readonly outputDirectory: string;
  readonly template: TranscodeTemplate;
  /** Absolute stream indexes in the input, from the probe. */
  readonly videoStream: number;
  readonly audioStream: number | null;
  readonly includeMp4: boolean;
  readonly thumbnail: boolean;
  /** x264 preset: `veryfast` by default; tests use `ultrafast`. */
  readonly preset: string;
}

const kbps = (bitsPerSecond: number): string => `${Math.round(bitsPerSecond / 1000)}k`;

const inFolder = (folder: string, name: string): string => `${folder}/${name}`;

/** H.264 capped at the template's bitrate, as MediaConvert's `RateControlMode: CBR` (2-second buffer). */
const h264 = (preset: string, bitrate: number): ReadonlyArray<string> => [
  "-c:v",
  "libx264",
  "-preset",
  preset,
  "-profile:v",
  H264_PROFILE,
  "-level:v",
  H264_LEVEL,
  "-b:v",
  kbps(bitrate),
  "-maxrate",
  kbps(bitrate),
  "-bufsize",
  kbps(2 * bitrate),
];

const aac = (bitrate: number, channels: 1 | 2): ReadonlyArray<string> => [
  "-c:a",
  "aac",
  "-b:a",
  kbps(bitrate),
  "-ac",
  String(channels),
  "-ar",
  String(AUDIO_SAMPLE_RATE),
];

/** The ffmpeg arguments of one run that writes every output of the request into one folder. */
export const transcodeArgs = (run: TranscodeRun): ReadonlyArray<string> => {
  const { template, outputDirectory: out, audioStream } = run;
  const branches = [
    ...template.hls.map(
      (rendition, index) =>
        `scale=${rendition.width}:${rendition.height},setsar=1,format=yuv420p[hls${index}]`,
    ),
    ...(run.includeMp4
      ? [
          `scale=${template.mp4.width}:${template.mp4.height},setsar=1,fps=${MP4_FRAME_RATE},format=yuv420p[mp4]`,
        ]
      : []),
    ...(run.thumbnail ? ["null[thumbnail]"] : []),
  ];
  const filterGraph = [
    `[0:${run.videoStream}]split=${branches.length}${branches.map((_, index) => `[s${index}]`).join("")}`,
    ...branches.map((branch, index) => `[s${index}]${branch}`),
  ].join(";");
  const audio = audioStream === null ? [] : ["-map", `0:${audioStream}`];

  const hlsOutputs = template.hls.flatMap((rendition, index) => [
    "-map",
    `[hls${index}]`,
    ...audio,
    ...h264(run.preset, rendition.videoBitrate),
    "-g",
    String(GOP_SIZE_FRAMES),
    "-keyint_min",
    String(GOP_SIZE_FRAMES),
    "-sc_threshold",
    "0",
    "-force_key_frames",
    `expr:gte(t,n_forced*${HLS_SEGMENT_SECONDS})`,
    ...(audioStream === null ? [] : aac(rendition.audioBitrate, 2)),
    "-max_muxing_queue_size",
    MAX_MUXING_QUEUE,
    "-f",
    "hls",
    "-hls_time",
    String(HLS_SEGMENT_SECONDS),
    "-hls_playlist_type",
    "vod",
    "-hls_list_size",
    "0",
    "-start_number",
    "1",
    "-hls_segment_filename",
    inFolder(out, segmentPattern(rendition)),
    inFolder(out, rendition.playlist),
  ]);
  const mp4Output = run.includeMp4
    ? [
        "-map",
        "[mp4]",
        ...audio,
        ...h264(run.preset, MP4_VIDEO_BITRATE),
        ...(audioStream === null ? [] : aac(MP4_AUDIO_BITRATE, 1)),
        "-movflags",
        "+faststart",
        "-max_muxing_queue_size",
        MAX_MUXING_QUEUE,
        "-f",
        "mp4",
        inFolder(out, TRANSCODE_OUTPUT_NAMES.mp4),
      ]
    : [];
  const thumbnailOutput = run.thumbnail
    ? [
        "-map",
        "[thumbnail]",
        "-frames:v",
        "1",
        "-q:v",
        THUMBNAIL_QSCALE,
        "-f",
        "image2",
        inFolder(out, THUMBNAIL_NAME),
      ]
    : [];

  return [
    "-hide_banner",
    "-nostdin",
    "-nostats",
    "-loglevel",
    "error",
    "-y",
    "-i",
    run.inputPath,
    "-filter_complex",
    filterGraph,
    ...hlsOutputs,
    ...mp4Output,
    ...thumbnailOutput,
  ];
};
