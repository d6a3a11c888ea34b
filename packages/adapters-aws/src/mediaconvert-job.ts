import type { CreateJobCommandInput, Output, OutputGroup } from "@aws-sdk/client-mediaconvert";
import type { TranscodeRequest } from "@ovs/domain";
import { transcodeDestination } from "@ovs/domain";

/**
 * The MediaConvert job for a transcode request, as upstream builds it from its templates
 * (`config/mediaconvert.json`, `config/mediaconvert_portrait.json`) and the transcoding
 * library's `media_convert_job` / `add_group_settings` (docs/upstream.md §4):
 * an HLS group of three renditions with an `__index` manifest, an MP4 file, and one captured
 * frame, written under `<prefix>/video`, so MediaConvert names them `video__index.m3u8`,
 * `video_custom.mp4` and `video_thumbnail.0000000.jpg` (the domain's key layout). Pure: the
 * request says what to leave out, the settings say where the job runs.
 */

export interface MediaConvertJobSettings {
  /** `AWS_REGION`. */
  readonly region: string;
  /** `AWS_ACCOUNT_ID`: owner of the queue and of the role. */
  readonly accountId: string;
  /** `AWS_ROLE_NAME`: the IAM role MediaConvert assumes to read and write the buckets. */
  readonly roleName: string;
  /**
   * `VIDEO_TRANSCODE_QUEUE`: the queue's name, also written as `UserMetadata.filter`, which the
   * EventBridge rule matches to send each environment only its own jobs' events.
   */
  readonly queueName: string;
}

/** `UserMetadata` keys: upstream's routing filter, and the video the job belongs to. */
export const USER_METADATA_FILTER = "filter";
export const USER_METADATA_VIDEO_KEY = "videoKey";

export const HLS_GROUP_NAME = "Apple HLS";
export const MP4_GROUP_NAME = "File Group";
export const THUMBNAIL_GROUP_NAME = "Thumbnail Group";

/** Upstream `add_group_settings`: 10-second segments and the `__index` manifest the HLS file row points at. */
export const HLS_SEGMENT_LENGTH_SECONDS = 10;
export const HLS_INDEX_MANIFEST_MODIFIER = "__index";
export const MP4_NAME_MODIFIER = "_custom";
export const THUMBNAIL_NAME_MODIFIER = "_thumbnail";

interface HlsRendition {
  readonly nameModifier: "_HLS2M" | "_HLS1.5M" | "_HLS400k";
  readonly width: number;
  readonly height: number;
  readonly videoBitrate: number;
  readonly audioBitrate: number;
}

interface Template {
  /** Highest first: the order of the `__index` manifest's variants. */
  readonly hls: readonly [HlsRendition, HlsRendition, HlsRendition];
  readonly mp4: { readonly width: number; readonly height: number };
}

/** The outputs, sizes and bitrates of the two templates (docs/architecture.md §5.4). */
export const TEMPLATES: Readonly<Record<TranscodeRequest["orientation"], Template>> = {
  landscape: {
    hls: [
      { nameModifier: "_HLS2M", width: 1024, height: 576, videoBitrate: 1_872_000, audioBitrate: 128_000 },
      { nameModifier: "_HLS1.5M", width: 960, height: 540, videoBitrate: 1_500_000, audioBitrate: 128_000 },
      { nameModifier: "_HLS400k", width: 400, height: 224, videoBitrate: 400_000, audioBitrate: 96_000 },
    ],
    mp4: { width: 1280, height: 720 },
  },
  portrait: {
    hls: [
      { nameModifier: "_HLS2M", width: 1080, height: 1920, videoBitrate: 4_000_000, audioBitrate: 128_000 },
      { nameModifier: "_HLS1.5M", width: 720, height: 1280, videoBitrate: 2_000_000, audioBitrate: 128_000 },
      { nameModifier: "_HLS400k", width: 540, height: 960, videoBitrate: 1_000_000, audioBitrate: 96_000 },
    ],
    mp4: { width: 720, height: 1280 },
  },
};

const AUDIO_SAMPLE_RATE = 44_100;
const MP4_VIDEO_BITRATE = 1_800_000;
const MP4_AUDIO_BITRATE = 96_000;

export const queueArn = (settings: MediaConvertJobSettings): string =>
  `arn:aws:mediaconvert:${settings.region}:${settings.accountId}:queues/${settings.queueName}`;

export const roleArn = (settings: MediaConvertJobSettings): string =>
  `arn:aws:iam::${settings.accountId}:role/${settings.roleName}`;

/** `s3://bucket/<prefix>/video`: MediaConvert appends each output's name modifier and extension. */
const destinationUri = (target: { readonly bucket: string; readonly prefix: string }): string =>
  `s3://${target.bucket}/${transcodeDestination(target.prefix.replace(/\/+$/, ""))}`;

const hlsOutput = (rendition: HlsRendition): Output => ({
  NameModifier: rendition.nameModifier,
  ContainerSettings: { Container: "M3U8" },
  VideoDescription: {
    Width: rendition.width,
    Height: rendition.height,
    CodecSettings: {
      Codec: "H_264",
      H264Settings: {
        Bitrate: rendition.videoBitrate,
        RateControlMode: "CBR",
        GopSize: 90,
        GopSizeUnits: "FRAMES",
        InterlaceMode: "PROGRESSIVE",
      },
    },
  },
  AudioDescriptions: [
    {
      CodecSettings: {
        Codec: "AAC",
        AacSettings: {
          Bitrate: rendition.audioBitrate,
          CodingMode: "CODING_MODE_2_0",
          SampleRate: AUDIO_SAMPLE_RATE,
        },
      },
    },
  ],
});

const hlsGroup = (template: Template, destination: string): OutputGroup => ({
  Name: HLS_GROUP_NAME,
  OutputGroupSettings: {
    Type: "HLS_GROUP_SETTINGS",
    HlsGroupSettings: {
      Destination: destination,
      SegmentLength: HLS_SEGMENT_LENGTH_SECONDS,
      MinSegmentLength: 0,
      ManifestDurationFormat: "INTEGER",
      CodecSpecification: "RFC_4281",
      DirectoryStructure: "SINGLE_DIRECTORY",
      ManifestCompression: "NONE",
      CaptionLanguageSetting: "OMIT",
      ImageBasedTrickPlay: "NONE",
      OutputSelection: "MANIFESTS_AND_SEGMENTS",
      AdditionalManifests: [
        {
          ManifestNameModifier: HLS_INDEX_MANIFEST_MODIFIER,
          SelectedOutputs: template.hls.map((rendition) => rendition.nameModifier),
        },
      ],
    },
  },
  Outputs: template.hls.map(hlsOutput),
});

/**
 * The MP4 sets no `ScalingBehavior`: MediaConvert's default (stretch to the frame) applies, as
 * upstream's; the portrait template is how shorts keep their shape.
 */
const mp4Group = (template: Template, destination: string): OutputGroup => ({
  Name: MP4_GROUP_NAME,
  OutputGroupSettings: {
    Type: "FILE_GROUP_SETTINGS",
    FileGroupSettings: { Destination: destination },
  },
  Outputs: [
    {
      NameModifier: MP4_NAME_MODIFIER,
      ContainerSettings: { Container: "MP4", Mp4Settings: {} },
      VideoDescription: {
        Width: template.mp4.width,
        Height: template.mp4.height,
        CodecSettings: {
          Codec: "H_264",
          H264Settings: {
            FramerateNumerator: 30,
            FramerateDenominator: 1,
            Bitrate: MP4_VIDEO_BITRATE,
            InterlaceMode: "PROGRESSIVE",
            RateControlMode: "CBR",
          },
        },
      },
      AudioDescriptions: [
        {
          CodecSettings: {
            Codec: "AAC",
            AacSettings: {
              Bitrate: MP4_AUDIO_BITRATE,
              CodingMode: "CODING_MODE_1_0",
              SampleRate: AUDIO_SAMPLE_RATE,
            },
          },
        },
      ],
    },
  ],
});

/** One frame from the start of the video, at the source's size. */
const thumbnailGroup = (destination: string): OutputGroup => ({
  Name: THUMBNAIL_GROUP_NAME,
  OutputGroupSettings: {
    Type: "FILE_GROUP_SETTINGS",
    FileGroupSettings: { Destination: destination },
  },
  Outputs: [
    {
      NameModifier: THUMBNAIL_NAME_MODIFIER,
      ContainerSettings: { Container: "RAW" },
      VideoDescription: {
        CodecSettings: {
          Codec: "FRAME_CAPTURE",
          FrameCaptureSettings: {
            FramerateNumerator: 1,
            FramerateDenominator: 1,
            MaxCaptures: 1,
            Quality: 80,
          },
        },
      },
    },
  ],
});

/**
 * `CreateJob` input for a request. HLS comes first (the duration is read from the first
 * output); the MP4 is left out for watch-bucket videos and the frame capture when the request
 * wants no thumbnail (retranscodes), exactly as upstream's `exclude_mp4` / `exclude_thumbnail`.
 */
export const mediaConvertJobFor = (
  request: TranscodeRequest,
  settings: MediaConvertJobSettings,
): CreateJobCommandInput => {
  const template = TEMPLATES[request.orientation];
  const destination = destinationUri(request.destination);
  const outputGroups: Array<OutputGroup> = [hlsGroup(template, destination)];
  if (request.includeMp4) outputGroups.push(mp4Group(template, destination));
  if (request.thumbnail !== null) outputGroups.push(thumbnailGroup(destinationUri(request.thumbnail)));
  return {
    Queue: queueArn(settings),
    Role: roleArn(settings),
    UserMetadata: {
      [USER_METADATA_FILTER]: settings.queueName,
      [USER_METADATA_VIDEO_KEY]: request.videoKey,
    },
    Settings: {
      OutputGroups: outputGroups,
      Inputs: [
        {
          AudioSelectors: { "Audio Selector 1": { DefaultSelection: "DEFAULT" } },
          VideoSelector: {},
          TimecodeSource: "ZEROBASED",
          FileInput: `s3://${request.input.bucket}/${request.input.key}`,
        },
      ],
    },
    AccelerationSettings: { Mode: "DISABLED" },
    StatusUpdateInterval: "SECONDS_60",
    Priority: 0,
  };
};
