// Embedding OVS in another Node service, with plain `node` and the packed packages:
//
//   node upload-to-complete.mjs [data-folder]
//
// (a) drives a Dropbox-style upload from the admin's pick to `Complete` on the in-memory harness,
//     stepping the job queue by hand;
// (b) does the same on PGlite (embedded Postgres) in `data-folder`, with pg-boss and the exported
//     worker runner doing the work in the background, as a deployed service would. Run it twice
//     against the same folder: the second run migrates nothing, and finds the first run's video.
//
// Media storage, the video source and the transcoder stay in-memory adapters in both parts: a real
// service binds S3 and MediaConvert (`@ovs/adapters-aws`) or Dropbox (`@ovs/adapters-http`) instead.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Effect, Either, Redacted } from "effect";
import {
  CreateCollection,
  hexKey,
  makeJobHandlers,
  parseVideoKey,
  RandomIdGenerator,
  SystemClock,
  UploadVideosFromSource,
  userPrincipal,
} from "@ovs/domain";
import {
  InMemoryCdnInvalidator,
  InMemoryCdnUrls,
  InMemoryEdxVideoApi,
  InMemoryGroupDirectory,
  InMemoryMailer,
  InMemoryObjectStore,
  InMemoryTranscoder,
  InMemoryVideoSource,
  makeInMemoryHarness,
  patternedBytes,
  testSettings,
} from "@ovs/domain/testing";
import {
  makePostgresAdapters,
  openPgliteDatabase,
  shutDown,
  startPgBoss,
  startWorkers,
} from "@ovs/adapters-postgres";

const settings = testSettings();
const run = (effect) => Effect.runPromise(effect);
const link = "https://www.dropbox.com/s/abc123/Lecture%201.mp4?dl=0";

/** Signs up an instructor (staff may create collections), creates a collection, picks one file. */
const uploadOneLecture = async (ports, title) => {
  const instructor = await run(
    ports.users.upsertByUsername(
      {
        username: "instructor@example.edu",
        email: "instructor@example.edu",
        isSuperuser: false,
        isStaff: true,
      },
      ports.clock.now(),
    ),
  );
  const principal = userPrincipal(instructor);
  const { collection } = await run(new CreateCollection(ports).run(principal, { title }));
  ports.videoSource.register(link, {
    content: patternedBytes(2_000_000, 7),
    name: "Lecture 1.mp4",
    contentType: "video/mp4",
  });
  const uploaded = await run(
    new UploadVideosFromSource(ports, settings).run(principal, {
      collection: hexKey(collection.key),
      files: [{ name: "Lecture 1.mp4", link }],
    }),
  );
  // The answer is upstream's: `{ <video hex key>: { s3key, title } }`.
  const [videoHex] = Object.keys(uploaded);
  return Either.getOrThrow(parseVideoKey(videoHex));
};

/** What the transcode webhook does: every finished transcode becomes a `transcode.outcome` job. */
const deliverFinishedTranscodes = async (ports, delivered) => {
  for (const { jobId } of ports.transcoder.submissions) {
    if (delivered.has(jobId)) continue;
    delivered.add(jobId);
    const outcome = ports.transcoder.complete(jobId);
    await run(ports.jobs.enqueue("transcode.outcome", { jobId, outcome }, { singletonKey: jobId }));
  }
};

const statusOf = async (ports, key) => {
  const details = await run(ports.videos.findDetailsByKey(key));
  return details._tag === "Some" ? details.value : undefined;
};

// (a) In memory: the harness steps the queue by hand, so every step is visible.
{
  const harness = makeInMemoryHarness({ realTime: true, ids: "random" });
  const handlers = makeJobHandlers(harness.ports, settings);
  const key = await uploadOneLecture(harness, "18.06 Linear Algebra");
  await run(harness.jobs.drain(handlers));
  await deliverFinishedTranscodes(harness, new Set());
  await run(harness.jobs.drain(handlers));
  const details = await statusOf(harness, key);
  console.log(
    `in-memory: video ${hexKey(key)} ${details.video.status}; files: ${details.files
      .map((file) => file.encoding)
      .sort()
      .join(", ")}; emails sent: ${harness.mailer.outbox.length}`,
  );
}

// (b) PGlite on disk, pg-boss and the worker runner: the workers run the jobs in the background.
{
  const dataDir = process.argv[2] ?? mkdtempSync(join(tmpdir(), "ovs-embedding-"));
  const database = await openPgliteDatabase({ dataDir });
  const boss = await startPgBoss(database);
  // edX endpoints' credentials are sealed at rest with this secret (at least 32 characters). A real
  // service reads its own and keeps it: what one key sealed, another does not open.
  const credentialsKey = Redacted.make(
    process.env.OVS_SECRET_KEY ?? "embedding-example-secret-key-not-for-production",
  );
  const clock = new SystemClock();
  const objectStore = new InMemoryObjectStore({ clock });
  const ids = new RandomIdGenerator();
  const ports = {
    ...makePostgresAdapters(database, boss, { credentialsKey }),
    objectStore,
    videoSource: new InMemoryVideoSource(),
    // Encode jobs stay in the database across runs, so job ids must never repeat.
    transcoder: new InMemoryTranscoder(objectStore, { ids }),
    cdnUrls: new InMemoryCdnUrls({ clock }),
    cdnInvalidator: new InMemoryCdnInvalidator(),
    groupDirectory: new InMemoryGroupDirectory(),
    mailer: new InMemoryMailer(clock),
    edxVideoApi: new InMemoryEdxVideoApi(),
    clock,
    ids,
  };
  const workers = await startWorkers(boss, makeJobHandlers(ports, settings), { pollingIntervalSeconds: 0.5 });
  try {
    const key = await uploadOneLecture(ports, "8.01 Physics");
    const delivered = new Set();
    const deadline = Date.now() + 120_000;
    let details = await statusOf(ports, key);
    while (details?.video.status !== "Complete") {
      if (Date.now() > deadline)
        throw new Error(`video ${hexKey(key)} is still ${details?.video.status} after 2 minutes`);
      await deliverFinishedTranscodes(ports, delivered);
      await new Promise((resolve) => setTimeout(resolve, 200));
      details = await statusOf(ports, key);
    }
    const everything = await run(
      ports.videos.list({ visibility: { _tag: "Everything" } }, { _tag: "After", cursor: null, size: 100 }),
    );
    const complete = everything.items.filter((video) => video.status === "Complete").length;
    console.log(
      `pglite: video ${hexKey(key)} ${details.video.status}; files: ${details.files
        .map((file) => file.encoding)
        .sort()
        .join(", ")}; ` + `videos in ${dataDir}: ${everything.items.length}, Complete: ${complete}`,
    );
  } finally {
    await workers.stop();
    await shutDown(database, boss);
  }
}
