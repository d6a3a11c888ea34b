/**
 * `pnpm bench:api`: the cost of the API's hot paths, measured in one run on loopback with
 * autocannon, same process settings for both sides.
 *
 * 1. Playback of a protected video for its owner (the access decision, the details read, one
 *    CloudFront custom-policy signature per window, real RSA) against a bare Koa route answering
 *    the same JSON: `playback_vs_bare` = playback req/s ÷ bare req/s (target ≥ 0.5).
 * 2. p99 latency of the video list with 1,000 visible videos, and of a 1,000-item feed page.
 *
 * The app runs on the in-memory harness, so the figures are the edge's and the domain's, not a
 * database's (the feed benchmark of adapters-postgres measures those).
 */
import { generateKeyPairSync } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import Koa from "koa";
import autocannon from "autocannon";
import { Effect, Either, Redacted } from "effect";
import { CloudFrontUrls } from "@ovs/adapters-aws";
import { hexKey, hlsPlaylistKey, IssueApiToken, mp4Key, userPrincipal } from "@ovs/domain";
import type { Collection, Video } from "@ovs/domain";
import { aCollection, aUser, aVideo, BUILDER_EPOCH, makeInMemoryHarness, storeIn } from "@ovs/domain/testing";
import { makeServiceRouter } from "../src/api/service-router.js";
import { makeUseCases } from "../src/composition/use-cases.js";
import { makeKoaApp } from "../src/http/koa-app.js";
import { readConfig } from "../src/config/index.js";

const DURATION_SECONDS = 8;
const CONNECTIONS = 10;

const listen = async (app: Koa): Promise<{ server: Server; url: string }> => {
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
};

const load = (url: string, headers: Record<string, string>) =>
  autocannon({ url, connections: CONNECTIONS, duration: DURATION_SECONDS, headers });

const config = Either.getOrThrow(readConfig({ OVS_PROFILE: "test" }));
const harness = makeInMemoryHarness({ realTime: true, ids: "random" });
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const cdnUrls = new CloudFrontUrls({
  host: "d111.cloudfront.net",
  keyPairId: "K2BENCHMARK",
  privateKey: Redacted.make(privateKey.export({ type: "pkcs8", format: "pem" }).toString()),
  clock: harness.clock,
});
const ports = { ...harness.ports, cdnUrls };

const owner = await storeIn(harness).user(aUser().named("instructor@example.edu").staff());
const collection = await storeIn(harness).collection(aCollection().titled("Bench"), owner);

/** A Complete video with its HLS and MP4 outputs in the key space its visibility asks for. */
const transcoded = async (parent: Collection, isPublic: boolean): Promise<Video> => {
  const video = await storeIn(harness).video(
    parent,
    isPublic
      ? aVideo().withStatus("Complete").withDuration(600).public()
      : aVideo().withStatus("Complete").withDuration(600),
  );
  const hex = hexKey(video.key);
  const space = isPublic ? "public" : "restricted";
  for (const [s3ObjectKey, encoding] of [
    [`${hex}/video.mp4`, "original"],
    [hlsPlaylistKey(hex, space), "HLS"],
    [mp4Key(hex, space), "desktop_mp4"],
  ] as const) {
    await Effect.runPromise(
      harness.videoFiles.insert(
        { videoKey: video.key, s3ObjectKey, bucketName: "ovs-transcoded", encoding },
        BUILDER_EPOCH,
      ),
    );
  }
  return video;
};

const protectedVideo = await transcoded(collection, false);
const token = (await Effect.runPromise(new IssueApiToken(ports).run(userPrincipal(owner), { name: "bench" })))
  .token;

const router = makeServiceRouter({
  useCases: makeUseCases(ports, config.domain),
  ports,
  baseUrl: config.baseUrl,
  secretKey: config.secretKey,
  session: config.session,
  insecureCookies: true,
  authenticateBearer: async () => ({ user: owner, groups: [] }),
  // Not measured here: the operators' failed-jobs route only has to exist.
  operations: { failedJobs: async () => [] },
});
const app = makeKoaApp({ logger: { error: () => undefined }, mediaSources: [] });
app.use(router.routes());
const service = await listen(app);
const auth = { Authorization: `Bearer ${token}` };

const playbackPath = `/api/v0/videos/${hexKey(protectedVideo.key)}/playback/`;
const sample = await (await fetch(`${service.url}${playbackPath}`, { headers: auth })).text();
if (!sample.includes("Signature"))
  throw new Error(`playback answered without a signed grant: ${sample.slice(0, 200)}`);
const bare = new Koa();
bare.use((ctx) => {
  ctx.type = "application/json";
  ctx.body = sample;
});
const bareServer = await listen(bare);

process.stderr.write("bare route…\n");
const bareResult = await load(`${bareServer.url}/`, auth);
process.stderr.write("playback…\n");
const playback = await load(`${service.url}${playbackPath}`, auth);
// The in-memory store copies rows on every read, so the lists are measured after playback, with
// the 1,000 videos seeded only then: playback's figure is the edge's and the use case's.
process.stderr.write("seeding 1,000 public videos…\n");
for (let index = 0; index < 1000; index += 1) await transcoded(collection, true);
process.stderr.write("video list (1,000 visible)…\n");
const list = await load(`${service.url}/api/v0/videos/?page_size=1000`, auth);
process.stderr.write("feed page (1,000 items)…\n");
const feed = await load(`${service.url}/api/v0/public/videos/?page_size=1000`, {});

for (const [name, result] of [
  ["bare", bareResult],
  ["playback", playback],
  ["list", list],
  ["feed", feed],
] as const) {
  const errors = result.errors + result.non2xx;
  console.log(
    `${name.padEnd(9)} req/s ${result.requests.average.toFixed(0).padStart(7)}  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  errors ${errors}`,
  );
  if (errors > 0) throw new Error(`${name}: ${errors} failed requests`);
}
console.log(
  `RESULT playback_vs_bare=${(playback.requests.average / bareResult.requests.average).toFixed(3)} list_p99_ms=${list.latency.p99} feed_p99_ms=${feed.latency.p99}`,
);
service.server.close();
bareServer.server.close();
