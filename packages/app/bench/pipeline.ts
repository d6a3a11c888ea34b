/**
 * `pnpm bench:pipeline`: what the service adds to the transcode itself, in the `local` profile.
 *
 * One run: a generated 60-second 720p video with audio is uploaded through the CLI to a running
 * `ovs serve` (local profile, its own data folder and ports) and timed until the video is
 * `Complete`; then the same ffmpeg ladder the local transcoder runs (the same arguments, from
 * its plan) is run bare on the same file — the physical floor of this pipeline on this machine.
 * Last line: `RESULT upload_to_complete_s=<s> bare_ffmpeg_s=<s> overhead_ratio=<ratio>`
 * (target ≤ 1.25: queue polling, storage copies and the outcome round trip add at most a quarter).
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { resolveFfmpegPath } from "@ovs/adapters-local";
import {
  TRANSCODE_TEMPLATES,
  probeArgs,
  transcodeArgs,
} from "../../adapters-local/src/ffmpeg-transcode-plan.js";
import { parseProbe } from "../../adapters-local/src/ffmpeg-stderr.js";
import { freePorts, spawnOvs, stopChild, waitFor, waitUntilReady } from "../test/local/support/ovs-child.js";

const run = promisify(execFile);
const VIDEO_SECONDS = 60;
const ffmpeg = resolveFfmpegPath();
const work = mkdtempSync(join(tmpdir(), "ovs-bench-pipeline-"));
const cliEntry = fileURLToPath(new URL("../src/cli/ovs.ts", import.meta.url));

const elapsedSeconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;

try {
  const source = join(work, "lecture.mp4");
  await run(ffmpeg, [
    "-hide_banner",
    "-loglevel",
    "error",
    "-y",
    "-f",
    "lavfi",
    "-i",
    "testsrc2=size=1280x720:rate=30",
    "-f",
    "lavfi",
    "-i",
    "sine=frequency=440:sample_rate=44100",
    "-t",
    String(VIDEO_SECONDS),
    "-pix_fmt",
    "yuv420p",
    "-c:v",
    "libx264",
    "-preset",
    "veryfast",
    "-c:a",
    "aac",
    source,
  ]);
  console.log(`generated a ${VIDEO_SECONDS} s 720p video with audio`);

  // The service: upload through the CLI, poll until Complete.
  const dataDir = join(work, "data");
  const [port, cdnPort] = (await freePorts(2)) as [number, number];
  const base = `http://127.0.0.1:${port}`;
  const env = {
    OVS_PROFILE: "local",
    OVS_DATA_DIR: dataDir,
    PORT: String(port),
    OVS_CDN_PORT: String(cdnPort),
  };
  const served = spawnOvs("bench", ["serve"], env);
  await waitUntilReady(base, served, 180_000);
  const cli = async (...args: ReadonlyArray<string>): Promise<unknown> => {
    const { stdout } = await run(
      process.execPath,
      ["--conditions=source", "--import", "tsx", "--no-warnings", cliEntry, ...args, "--json"],
      { env: { ...process.env, ...env, OVS_URL: base } },
    );
    return JSON.parse(stdout) as unknown;
  };
  const collection = (await cli("collection", "create", "--title", "Benchmark")) as { key: string };
  const started = process.hrtime.bigint();
  const uploaded = (await cli("upload", source, "--collection", collection.key)) as Record<string, unknown>;
  const [videoKey] = Object.keys(uploaded);
  if (videoKey === undefined) throw new Error("the upload answered no video");
  // Polled over HTTP, not with the CLI: starting the CLI takes about a second, which would blur the figure.
  const token = readFileSync(join(dataDir, "cli-token"), "utf8").trim();
  const status = await waitFor(
    "the video to finish",
    async () => {
      const answer = await fetch(`${base}/api/v0/videos/${videoKey}/`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      const video = (await answer.json()) as { status: string };
      return video.status === "Complete" || video.status.includes("failed") ? video.status : undefined;
    },
    30 * 60_000,
    200,
  );
  const serviceSeconds = elapsedSeconds(started);
  await stopChild(served, 35_000);
  if (status !== "Complete") throw new Error(`the video ended ${status}`);
  console.log(`service: upload to Complete in ${serviceSeconds.toFixed(1)} s`);

  // The floor: the transcoder's own ffmpeg run, on the same file, nothing around it.
  const bareStarted = process.hrtime.bigint();
  const probe = await run(ffmpeg, [...probeArgs(source)]).catch((error: { stderr?: string }) => error);
  const probed = parseProbe(probe.stderr ?? "");
  if (probed?.video === null || probed === undefined) throw new Error("ffmpeg could not probe the source");
  const outputDirectory = join(work, "bare");
  mkdirSync(outputDirectory);
  await run(ffmpeg, [
    ...transcodeArgs({
      inputPath: source,
      outputDirectory,
      template: TRANSCODE_TEMPLATES.landscape,
      videoStream: probed.video.index,
      audioStream: probed.audioStream,
      includeMp4: true,
      thumbnail: true,
      preset: "veryfast",
    }),
  ]);
  const bareSeconds = elapsedSeconds(bareStarted);
  console.log(
    `bare ffmpeg ladder: ${bareSeconds.toFixed(1)} s (${readFileSync(join(outputDirectory, "video_HLS2M.m3u8"), "utf8").split("\n").length} playlist lines)`,
  );

  console.log(
    `RESULT upload_to_complete_s=${serviceSeconds.toFixed(1)} bare_ffmpeg_s=${bareSeconds.toFixed(1)} overhead_ratio=${(serviceSeconds / bareSeconds).toFixed(2)}`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
