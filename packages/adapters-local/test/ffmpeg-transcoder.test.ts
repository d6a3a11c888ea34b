import { execFile } from "node:child_process";
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { TranscodeOutcome, TranscodeRequest } from "@ovs/domain";
import {
  hexKey,
  THUMBNAIL_NAME,
  thumbnailPrefix,
  TRANSCODE_OUTPUT_NAMES,
  transcodePrefix,
} from "@ovs/domain";
import { aTranscodeRequest, describeTranscoderContract } from "@ovs/domain/contracts";
import { aVideoKey, InMemoryObjectStore } from "@ovs/domain/testing";
import { Effect, Option } from "effect";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resolveFfmpegPath } from "../src/ffmpeg-path.js";
import { parseProbe } from "../src/ffmpeg-stderr.js";
import type { FfmpegExited, FfmpegSpawned, FfmpegTranscoderOptions } from "../src/ffmpeg-transcoder.js";
import { FfmpegTranscoder } from "../src/ffmpeg-transcoder.js";
import { jpegSize } from "../src/jpeg-size.js";

const run = Effect.runPromise;
const execFileAsync = promisify(execFile);
const ffmpegPath = resolveFfmpegPath();

type Succeeded = Extract<TranscodeOutcome, { readonly _tag: "TranscodeSucceeded" }>;
type Failed = Extract<TranscodeOutcome, { readonly _tag: "TranscodeFailed" }>;

let mediaFolder = "";
/** Test inputs made by ffmpeg itself: 4 s of 1280×720 with a tone, 2 s of 360×640 with a tone, 1 s of 160×90 without audio. */
const inputs = { landscape: new Uint8Array(), portrait: new Uint8Array(), silent: new Uint8Array() };

const makeInput = async (
  name: string,
  size: string,
  seconds: number,
  audio: boolean,
): Promise<Uint8Array> => {
  const path = join(mediaFolder, name);
  await execFileAsync(ffmpegPath, [
    "-hide_banner",
    "-loglevel",
    "error",
    "-f",
    "lavfi",
    "-i",
    `testsrc=size=${size}:rate=25`,
    ...(audio ? ["-f", "lavfi", "-i", "sine=frequency=440"] : []),
    "-t",
    String(seconds),
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-pix_fmt",
    "yuv420p",
    ...(audio ? ["-c:a", "aac"] : []),
    path,
  ]);
  return new Uint8Array(await readFile(path));
};

/** What `ffmpeg -i` says about some bytes: the frame size of the first video stream, audio or not. */
const probeBytes = async (bytes: Uint8Array, name: string) => {
  const path = join(mediaFolder, name);
  await writeFile(path, bytes);
  const described = await execFileAsync(ffmpegPath, ["-hide_banner", "-i", path]).catch(
    (error: { readonly stderr: string }) => ({ stderr: error.stderr }),
  );
  return parseProbe(described.stderr);
};

beforeAll(async () => {
  mediaFolder = await mkdtemp(join(tmpdir(), "ovs-ffmpeg-media-"));
  const [landscape, portrait, silent] = await Promise.all([
    makeInput("landscape.mp4", "1280x720", 4, true),
    makeInput("portrait.mp4", "360x640", 2, true),
    makeInput("silent.mp4", "160x90", 1, false),
  ]);
  Object.assign(inputs, { landscape, portrait, silent });
}, 60_000);

afterAll(async () => {
  await rm(mediaFolder, { recursive: true, force: true });
});

interface Subject {
  readonly store: InMemoryObjectStore;
  readonly transcoder: FfmpegTranscoder;
  readonly workDirectory: string;
  readonly spawned: Array<FfmpegSpawned>;
  readonly exited: Array<FfmpegExited>;
  readonly reported: Array<TranscodeOutcome>;
  outcomeOf(jobId: string): Promise<TranscodeOutcome>;
  /** Places `bytes` at the request's input and returns the request. */
  arrange(bytes: Uint8Array | string, overrides?: Partial<TranscodeRequest>): TranscodeRequest;
  dispose(): Promise<void>;
}

const subjects: Array<Subject> = [];

const aSubject = async (
  options: Partial<Omit<FfmpegTranscoderOptions, "store" | "workDirectory">> = {},
): Promise<Subject> => {
  const store = new InMemoryObjectStore();
  const workDirectory = await mkdtemp(join(tmpdir(), "ovs-ffmpeg-work-"));
  const spawned: Array<FfmpegSpawned> = [];
  const exited: Array<FfmpegExited> = [];
  const reported: Array<TranscodeOutcome> = [];
  const waiters = new Map<string, (outcome: TranscodeOutcome) => void>();
  const { hooks, onOutcome, ...rest } = options;
  const transcoder = new FfmpegTranscoder({
    ffmpegPath,
    preset: "ultrafast",
    ...rest,
    store,
    workDirectory,
    onOutcome: async (outcome) => {
      reported.push(outcome);
      waiters.get(outcome.jobId)?.(outcome);
      await onOutcome?.(outcome);
    },
    hooks: {
      ...hooks,
      onSpawn: (event) => {
        spawned.push(event);
        hooks?.onSpawn?.(event);
      },
      onExit: (event) => {
        exited.push(event);
        hooks?.onExit?.(event);
      },
    },
  });
  const subject: Subject = {
    store,
    transcoder,
    workDirectory,
    spawned,
    exited,
    reported,
    outcomeOf: (jobId) => {
      const known = reported.find((outcome) => outcome.jobId === jobId);
      if (known !== undefined) return Promise.resolve(known);
      return new Promise((resolve) => waiters.set(jobId, resolve));
    },
    arrange: (bytes, overrides = {}) => {
      const request = aTranscodeRequest(overrides);
      store.putBytes(request.input, bytes);
      return request;
    },
    dispose: async () => {
      await transcoder.close();
      await rm(workDirectory, { recursive: true, force: true });
    },
  };
  subjects.push(subject);
  return subject;
};

afterEach(async () => {
  await Promise.all(subjects.splice(0).map((subject) => subject.dispose()));
});

const succeeded = (outcome: TranscodeOutcome): Succeeded => {
  if (outcome._tag !== "TranscodeSucceeded")
    throw new Error(`expected success, got ${JSON.stringify(outcome)}`);
  return outcome;
};

const failed = (outcome: TranscodeOutcome): Failed => {
  if (outcome._tag !== "TranscodeFailed") throw new Error(`expected failure, got ${JSON.stringify(outcome)}`);
  return outcome;
};

/** The variants of a master playlist: their attributes and URI. */
const variantsOf = (master: string) => {
  const lines = master.split("\n");
  return lines.flatMap((line, index) => {
    if (!line.startsWith("#EXT-X-STREAM-INF:")) return [];
    const attributes = line.slice("#EXT-X-STREAM-INF:".length);
    return [
      {
        uri: lines[index + 1] ?? "",
        resolution: /RESOLUTION=(\d+x\d+)/.exec(attributes)?.[1],
        bandwidth: Number(/(?:^|,)BANDWIDTH=(\d+)/.exec(attributes)?.[1]),
        codecs: /CODECS="([^"]*)"/.exec(attributes)?.[1],
      },
    ];
  });
};

const segmentsOf = (playlist: string): ReadonlyArray<string> =>
  playlist.split("\n").filter((line) => line.length > 0 && !line.startsWith("#"));

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const hlsKeys = (prefix: string): ReadonlyArray<string> =>
  [
    TRANSCODE_OUTPUT_NAMES.hlsMaster,
    TRANSCODE_OUTPUT_NAMES.hlsPlaylist,
    ...TRANSCODE_OUTPUT_NAMES.hlsVariants,
    "video_HLS2M_00001.ts",
    "video_HLS1.5M_00001.ts",
    "video_HLS400k_00001.ts",
  ].map((name) => `${prefix}/${name}`);

describe("FfmpegTranscoder", () => {
  it("writes the landscape template's outputs under the destination and reports the duration and thumbnail size", async () => {
    const subject = await aSubject();
    const videoKey = aVideoKey();
    const hex = hexKey(videoKey);
    const request = subject.arrange(inputs.landscape, { videoKey });
    const { jobId } = await run(subject.transcoder.submit(request));
    expect(await run(subject.transcoder.describe(jobId))).toMatchObject({ _tag: "InProgress", jobId });

    const outcome = succeeded(await subject.outcomeOf(jobId));
    const prefix = transcodePrefix(hex, "public");
    const thumbnailKey = `${thumbnailPrefix(hex, "public")}/${THUMBNAIL_NAME}`;
    expect(outcome).toMatchObject({
      jobId,
      videoKey,
      hlsPlaylist: { bucket: "ovs-transcoded", key: `${prefix}/video__index.m3u8` },
      mp4: { bucket: "ovs-transcoded", key: `${prefix}/video_custom.mp4` },
      thumbnails: [{ bucket: "ovs-thumbnails", key: thumbnailKey, width: 1280, height: 720 }],
    });
    expect(outcome.durationSeconds).not.toBeNull();
    expect(Math.abs((outcome.durationSeconds ?? 0) - 4)).toBeLessThan(0.25);

    const { store } = subject;
    expect(store.keys("ovs-transcoded")).toEqual(
      [...hlsKeys(prefix), `${prefix}/${TRANSCODE_OUTPUT_NAMES.mp4}`].sort(),
    );
    expect(store.keys("ovs-thumbnails")).toEqual([thumbnailKey]);

    const master = store.readText({ bucket: "ovs-transcoded", key: `${prefix}/video.m3u8` }) ?? "";
    expect(store.readText(outcome.hlsPlaylist)).toBe(master);
    expect(master.startsWith("#EXTM3U\n")).toBe(true);
    const variants = variantsOf(master);
    expect(variants.map((variant) => [variant.uri, variant.resolution])).toEqual([
      ["video_HLS2M.m3u8", "1024x576"],
      ["video_HLS1.5M.m3u8", "960x540"],
      ["video_HLS400k.m3u8", "400x224"],
    ]);
    for (const variant of variants) {
      expect(variant.bandwidth).toBeGreaterThan(0);
      expect(variant.codecs).toBe("avc1.4d402a,mp4a.40.2");
      const playlist = store.readText({ bucket: "ovs-transcoded", key: `${prefix}/${variant.uri}` }) ?? "";
      expect(playlist).toContain("#EXT-X-PLAYLIST-TYPE:VOD");
      expect(playlist).toContain("#EXT-X-ENDLIST");
      for (const segment of segmentsOf(playlist)) {
        expect(store.has({ bucket: "ovs-transcoded", key: `${prefix}/${segment}` })).toBe(true);
      }
    }
    const head = await run(store.head(outcome.hlsPlaylist));
    expect(Option.getOrThrow(head).contentType).toBe("application/x-mpegURL");

    const thumbnail = store.read({ bucket: "ovs-thumbnails", key: thumbnailKey }) ?? new Uint8Array();
    expect(jpegSize(thumbnail)).toEqual({ width: 1280, height: 720 });
    const mp4 = await probeBytes(
      store.read({ bucket: "ovs-transcoded", key: `${prefix}/video_custom.mp4` }) ?? new Uint8Array(),
      "out.mp4",
    );
    expect(mp4?.video).toMatchObject({ width: 1280, height: 720 });
    expect(mp4?.audioStream).not.toBeNull();
    const segment = await probeBytes(
      store.read({ bucket: "ovs-transcoded", key: `${prefix}/video_HLS2M_00001.ts` }) ?? new Uint8Array(),
      "out.ts",
    );
    expect(segment?.video).toMatchObject({ width: 1024, height: 576 });

    expect(await run(subject.transcoder.describe(jobId))).toEqual({ _tag: "Finished", outcome });
    expect(subject.reported).toEqual([outcome]);
    expect(await readdir(subject.workDirectory)).toEqual([]);
  });

  it("writes the portrait template under restricted/, without the MP4 and the thumbnail when excluded", async () => {
    const subject = await aSubject();
    const videoKey = aVideoKey();
    const hex = hexKey(videoKey);
    const prefix = transcodePrefix(hex, "restricted");
    expect(prefix.startsWith("restricted/")).toBe(true);
    const request = subject.arrange(inputs.portrait, {
      videoKey,
      destination: { bucket: "ovs-transcoded", prefix },
      thumbnail: null,
      includeMp4: false,
      orientation: "portrait",
    });
    const { jobId } = await run(subject.transcoder.submit(request));

    const outcome = succeeded(await subject.outcomeOf(jobId));
    expect(outcome).toMatchObject({
      hlsPlaylist: { bucket: "ovs-transcoded", key: `${prefix}/video__index.m3u8` },
      mp4: null,
      thumbnails: [],
    });
    expect(Math.abs((outcome.durationSeconds ?? 0) - 2)).toBeLessThan(0.25);
    expect(subject.store.keys("ovs-transcoded")).toEqual([...hlsKeys(prefix)].sort());
    expect(subject.store.keys("ovs-thumbnails")).toEqual([]);
    const master = subject.store.readText(outcome.hlsPlaylist) ?? "";
    expect(variantsOf(master).map((variant) => [variant.uri, variant.resolution])).toEqual([
      ["video_HLS2M.m3u8", "1080x1920"],
      ["video_HLS1.5M.m3u8", "720x1280"],
      ["video_HLS400k.m3u8", "540x960"],
    ]);
    const segment = await probeBytes(
      subject.store.read({ bucket: "ovs-transcoded", key: `${prefix}/video_HLS400k_00001.ts` }) ??
        new Uint8Array(),
      "portrait.ts",
    );
    expect(segment?.video).toMatchObject({ width: 540, height: 960 });
    expect(await readdir(subject.workDirectory)).toEqual([]);
  });

  it("fails a file that is not a video with ffmpeg's reason, naming the object, not the temporary file", async () => {
    const subject = await aSubject();
    const request = subject.arrange("this is a lecture's notes, not a video\n");
    expect(request.input.key.endsWith("/video.mp4")).toBe(true);
    const { jobId } = await run(subject.transcoder.submit(request));

    const outcome = failed(await subject.outcomeOf(jobId));
    expect(outcome.videoKey).toBe(request.videoKey);
    expect(outcome.errorCode).toBe(1);
    expect(outcome.errorMessage).toContain("Invalid data found when processing input");
    expect(outcome.errorMessage).toContain(`${request.input.bucket}/${request.input.key}`);
    expect(outcome.errorMessage).not.toContain(subject.workDirectory);
    expect(subject.store.keys("ovs-transcoded")).toEqual([]);
    expect(subject.store.keys("ovs-thumbnails")).toEqual([]);
    expect(await run(subject.transcoder.describe(jobId))).toEqual({ _tag: "Finished", outcome });
    expect(await readdir(subject.workDirectory)).toEqual([]);
  });

  it("fails a job whose input does not exist, and keeps the outcome for describe when reporting it fails", async () => {
    const failures: Array<unknown> = [];
    const subject = await aSubject({
      onOutcome: () => Promise.reject(new Error("the queue is down")),
      hooks: { onReportFailed: (_outcome, error) => failures.push(error) },
    });
    const request = aTranscodeRequest();
    const { jobId } = await run(subject.transcoder.submit(request));

    const outcome = failed(await subject.outcomeOf(jobId));
    expect(outcome.errorMessage).toBe(
      `the input ${request.input.bucket}/${request.input.key} does not exist`,
    );
    await expect.poll(() => failures.length).toBe(1);
    expect(await run(subject.transcoder.describe(jobId))).toEqual({ _tag: "Finished", outcome });
    expect(subject.spawned).toEqual([]);
  });

  it("describes a job it does not know as Unknown", async () => {
    const subject = await aSubject();
    expect(await run(subject.transcoder.describe("ffmpeg-nosuchjob"))).toEqual({
      _tag: "Unknown",
      jobId: "ffmpeg-nosuchjob",
    });
  });

  it("never runs more ffmpeg children than its concurrency; a waiting job is Submitted", async () => {
    let active = 0;
    let mostActive = 0;
    const waitingStates: Array<unknown> = [];
    let second = "";
    const subject = await aSubject({
      concurrency: 1,
      hooks: {
        onSpawn: (event) => {
          active += 1;
          mostActive = Math.max(mostActive, active);
          if (second !== "" && event.jobId !== second) {
            waitingStates.push(Effect.runSync(subject.transcoder.describe(second)));
          }
        },
        onExit: () => {
          active -= 1;
        },
      },
    });
    const first = (await run(subject.transcoder.submit(subject.arrange(inputs.silent)))).jobId;
    second = (await run(subject.transcoder.submit(subject.arrange(inputs.silent)))).jobId;
    expect(await run(subject.transcoder.describe(first))).toMatchObject({ state: "Progressing" });
    expect(await run(subject.transcoder.describe(second))).toMatchObject({ state: "Submitted" });

    const outcomes = await Promise.all([subject.outcomeOf(first), subject.outcomeOf(second)]);
    expect(outcomes.map((outcome) => outcome._tag)).toEqual(["TranscodeSucceeded", "TranscodeSucceeded"]);
    expect(mostActive).toBe(1);
    expect(subject.spawned.map((event) => [event.jobId, event.stage])).toEqual([
      [first, "probe"],
      [first, "transcode"],
      [second, "probe"],
      [second, "transcode"],
    ]);
    expect(waitingStates).toEqual([
      { _tag: "InProgress", jobId: second, state: "Submitted" },
      { _tag: "InProgress", jobId: second, state: "Submitted" },
    ]);
    // An input without audio gives video-only renditions.
    const master = subject.store.readText(succeeded(outcomes[1]).hlsPlaylist) ?? "";
    expect(variantsOf(master).map((variant) => variant.codecs)).toEqual([
      "avc1.4d402a",
      "avc1.4d402a",
      "avc1.4d402a",
    ]);
  });

  it("runs as many jobs at once as its concurrency allows", async () => {
    const subject = await aSubject({ concurrency: 2 });
    const jobIds: Array<string> = [];
    for (let index = 0; index < 3; index += 1) {
      jobIds.push((await run(subject.transcoder.submit(subject.arrange(inputs.silent)))).jobId);
    }
    const states = await Promise.all(jobIds.map((jobId) => run(subject.transcoder.describe(jobId))));
    expect(states.map((state) => (state._tag === "InProgress" ? state.state : state._tag))).toEqual([
      "Progressing",
      "Progressing",
      "Submitted",
    ]);
  });

  it("close kills the running ffmpeg, drops waiting jobs without reporting them, and leaves no temporary files", async () => {
    let transcodePid: (pid: number) => void = () => undefined;
    const started = new Promise<number>((resolve) => {
      transcodePid = resolve;
    });
    const subject = await aSubject({
      hooks: {
        onSpawn: (event) => {
          if (event.stage === "transcode") transcodePid(event.pid);
        },
      },
    });
    const running = (await run(subject.transcoder.submit(subject.arrange(inputs.landscape)))).jobId;
    const waiting = (await run(subject.transcoder.submit(subject.arrange(inputs.landscape)))).jobId;
    const pid = await started;
    expect(isAlive(pid)).toBe(true);

    await subject.transcoder.close();

    expect(isAlive(pid)).toBe(false);
    expect(subject.exited.map((event) => event.pid)).toContain(pid);
    expect(subject.reported).toEqual([]);
    expect(await run(subject.transcoder.describe(running))).toEqual({ _tag: "Unknown", jobId: running });
    expect(await run(subject.transcoder.describe(waiting))).toEqual({ _tag: "Unknown", jobId: waiting });
    expect(subject.store.keys("ovs-transcoded")).toEqual([]);
    expect(await readdir(subject.workDirectory)).toEqual([]);
    const refused = await run(Effect.flip(subject.transcoder.submit(subject.arrange(inputs.silent))));
    expect(refused).toMatchObject({ _tag: "TranscoderFailure", operation: "submit", transient: true });
  });

  it("fails a job that outlives its timeout, killing an ffmpeg that ignores SIGTERM", async () => {
    // A stand-in for a hung ffmpeg: it ignores SIGTERM (inherited through exec) and never ends.
    const stubborn = join(mediaFolder, "stubborn-ffmpeg");
    await writeFile(stubborn, "#!/bin/sh\ntrap '' TERM\nexec sleep 30\n");
    await chmod(stubborn, 0o755);
    const subject = await aSubject({ ffmpegPath: stubborn, timeout: "300 millis", killGrace: "200 millis" });
    const { jobId } = await run(subject.transcoder.submit(subject.arrange(inputs.silent)));

    const outcome = failed(await subject.outcomeOf(jobId));
    expect(outcome).toMatchObject({
      errorCode: null,
      errorMessage: "the transcode did not finish within 0.3 seconds",
    });
    expect(subject.exited).toHaveLength(1);
    expect(subject.exited[0]).toMatchObject({ stage: "probe", signal: "SIGKILL" });
    expect(isAlive(subject.exited[0]?.pid ?? 0)).toBe(false);
    expect(await readdir(subject.workDirectory)).toEqual([]);
  });

  it("refuses submissions when ffmpeg cannot be run", async () => {
    const subject = await aSubject({ ffmpegPath: join(mediaFolder, "no-such-ffmpeg") });
    const refused = await run(Effect.flip(subject.transcoder.submit(subject.arrange(inputs.silent))));
    expect(refused).toMatchObject({ _tag: "TranscoderFailure", operation: "submit", transient: false });
    expect(refused.reason).toContain("no-such-ffmpeg");
  });
});

describeTranscoderContract("ffmpeg", async () => {
  const subject = await aSubject();
  return {
    transcoder: subject.transcoder,
    newRequest: () => Promise.resolve(subject.arrange(inputs.silent)),
    dispose: () => subject.dispose(),
  };
});
