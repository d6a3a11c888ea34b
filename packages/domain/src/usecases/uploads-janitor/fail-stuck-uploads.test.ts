import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import type { Collection } from "../../model/collection.js";
import type { VideoKey } from "../../model/keys.js";
import type { VideoStatus } from "../../model/video.js";
import type { Lease } from "../../ports/lease.js";
import { aVideo } from "../../testing/builders.js";
import { found } from "../../testing/effect-outcomes.js";
import { storeIn } from "../../testing/stored-test-data.js";
import type { InMemoryHarness } from "../../testing/in-memory-harness.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { testSettings } from "../../testing/test-settings.js";
import type { DomainPorts } from "../domain-ports.js";
import { ingestLeaseName } from "../ingest/ingest-lease.js";
import { StreamSourceToStorage } from "../ingest/stream-source-to-storage.js";
import { FailStuckUploads } from "./fail-stuck-uploads.js";

const settings = testSettings();

const setUp = async () => {
  const harness = makeInMemoryHarness();
  const collection = await storeIn(harness).collection();
  const janitor = (ports: DomainPorts = harness.ports) => new FailStuckUploads(ports, settings);
  const run = (ports?: DomainPorts) => Effect.runPromise(janitor(ports).run());
  return { harness, collection, run };
};

/** A video whose heartbeat is `age` old when the janitor runs (the clock moves to make it so). */
const videoIn = async (harness: InMemoryHarness, collection: Collection, status: VideoStatus = "Uploading") =>
  storeIn(harness).video(collection, aVideo().withStatus(status).with({ updatedAt: harness.clock.now() }));

const statusOf = async (harness: InMemoryHarness, key: VideoKey) =>
  (await found(harness.videos.findByKey(key))).status;

describe("failing uploads that are stuck", () => {
  it("fails an upload whose heartbeat and lease have both expired, with the emails", async () => {
    const { harness, collection, run } = await setUp();
    const video = await videoIn(harness, collection);
    await Effect.runPromise(harness.lease.acquire(ingestLeaseName(video.key), "crashed-worker", "2 minutes"));
    harness.clock.advance("3 hours");

    const report = await run();

    expect(report).toEqual({ reaped: [video.key], stillIngesting: [], movedOn: [], failed: [] });
    expect(await statusOf(harness, video.key)).toBe("Upload failed");
    expect(await Effect.runPromise(harness.mailOutbox.listUnsent(10))).toMatchObject([
      { videoKey: video.key, template: "other_error", fromStatus: "Uploading", toStatus: "Upload failed" },
    ]);
    expect(harness.jobs.pending("mail.send")).toHaveLength(1);
    expect(harness.lease.holderOf(ingestLeaseName(video.key))).toBeUndefined();
  });

  it("reaps each stuck upload once, however often it runs", async () => {
    const { harness, collection, run } = await setUp();
    const video = await videoIn(harness, collection);
    harness.clock.advance("3 hours");

    await run();
    const again = await run();

    expect(again.reaped).toEqual([]);
    expect(await statusOf(harness, video.key)).toBe("Upload failed");
    expect(harness.jobs.pending("mail.send")).toHaveLength(1);
  });

  it("leaves alone an upload whose heartbeat is recent", async () => {
    const { harness, collection, run } = await setUp();
    const video = await videoIn(harness, collection);
    harness.clock.advance("1 hour");

    expect((await run()).reaped).toEqual([]);
    expect(await statusOf(harness, video.key)).toBe("Uploading");
  });

  it("leaves alone an upload whose heartbeat is old while a worker still holds its lease", async () => {
    const { harness, collection, run } = await setUp();
    const video = await videoIn(harness, collection);
    harness.clock.advance("3 hours");
    await Effect.runPromise(harness.lease.acquire(ingestLeaseName(video.key), "slow-worker", "2 minutes"));

    expect(await run()).toEqual({ reaped: [], stillIngesting: [video.key], movedOn: [], failed: [] });
    expect(await statusOf(harness, video.key)).toBe("Uploading");
    expect(harness.lease.holderOf(ingestLeaseName(video.key))?.owner).toBe("slow-worker");
    expect(harness.jobs.pending()).toEqual([]);
  });

  it("looks only at uploads: other old videos stay as they are", async () => {
    const { harness, collection, run } = await setUp();
    const created = await videoIn(harness, collection, "Created");
    const transcoding = await videoIn(harness, collection, "Transcoding");
    harness.clock.advance("3 hours");

    expect((await run()).reaped).toEqual([]);
    expect(await statusOf(harness, created.key)).toBe("Created");
    expect(await statusOf(harness, transcoding.key)).toBe("Transcoding");
  });

  it("reaps the stuck uploads among live and fresh ones", async () => {
    const { harness, collection, run } = await setUp();
    const stuck = await videoIn(harness, collection);
    const alive = await videoIn(harness, collection);
    harness.clock.advance("3 hours");
    const fresh = await videoIn(harness, collection);
    await Effect.runPromise(harness.lease.acquire(ingestLeaseName(alive.key), "worker", "2 minutes"));

    const report = await run();

    expect(report.reaped).toEqual([stuck.key]);
    expect(report.stillIngesting).toEqual([alive.key]);
    expect(await statusOf(harness, fresh.key)).toBe("Uploading");
  });

  it("makes a late ingest job for a reaped upload do nothing", async () => {
    const { harness, collection, run } = await setUp();
    const video = await videoIn(harness, collection);
    harness.clock.advance("3 hours");
    await run();

    const ingest = new StreamSourceToStorage(harness.ports, settings);
    const outcome = await Effect.runPromise(ingest.run({ videoKey: video.key }));

    expect(outcome._tag).toBe("NothingToIngest");
    expect(await statusOf(harness, video.key)).toBe("Upload failed");
  });
});

describe("a stuck upload that wins the race", () => {
  /** Runs `meanwhile` just before the janitor takes the video's lease. */
  const beforeTheLease = (harness: InMemoryHarness, meanwhile: () => void): DomainPorts => ({
    ...harness.ports,
    lease: Object.assign(Object.create(harness.ports.lease) as Lease, {
      acquire: (...args: Parameters<Lease["acquire"]>) =>
        Effect.suspend(() => {
          meanwhile();
          return harness.ports.lease.acquire(...args);
        }),
    }),
  });

  it("is skipped when an ingest attempt bumped its heartbeat after the listing", async () => {
    const { harness, collection, run } = await setUp();
    const video = await videoIn(harness, collection);
    harness.clock.advance("3 hours");

    const report = await run(
      beforeTheLease(harness, () => Effect.runSync(harness.videos.touch(video.key, harness.clock.now()))),
    );

    expect(report).toEqual({ reaped: [], stillIngesting: [], movedOn: [video.key], failed: [] });
    expect(await statusOf(harness, video.key)).toBe("Uploading");
    expect(harness.jobs.pending()).toEqual([]);
  });

  it("is skipped when it moved on after the listing", async () => {
    const { harness, collection, run } = await setUp();
    const video = await videoIn(harness, collection);
    harness.clock.advance("3 hours");

    const report = await run(
      beforeTheLease(harness, () =>
        Effect.runSync(
          harness.videos.compareAndSetStatus(video.key, ["Uploading"], "Transcoding", harness.clock.now()),
        ),
      ),
    );

    expect(report.movedOn).toEqual([video.key]);
    expect(await statusOf(harness, video.key)).toBe("Transcoding");
    expect(harness.jobs.pending()).toEqual([]);
  });

  it("is skipped when it was deleted after the listing", async () => {
    const { harness, collection, run } = await setUp();
    const video = await videoIn(harness, collection);
    harness.clock.advance("3 hours");

    const report = await run(beforeTheLease(harness, () => Effect.runSync(harness.videos.delete(video.key))));

    expect(report.movedOn).toEqual([video.key]);
    expect(harness.jobs.pending()).toEqual([]);
  });
});

describe("when the lease table fails", () => {
  it("reports the video it could not check and still reaps the others", async () => {
    const { harness, collection, run } = await setUp();
    const first = await videoIn(harness, collection);
    harness.clock.advance("1 second");
    const second = await videoIn(harness, collection);
    harness.clock.advance("3 hours");
    harness.lease.failNext(1);

    const report = await run();

    expect(report.failed).toEqual([{ videoKey: first.key, reason: expect.stringContaining("lease") }]);
    expect(report.reaped).toEqual([second.key]);
    expect(await statusOf(harness, first.key)).toBe("Uploading");
    expect(await statusOf(harness, second.key)).toBe("Upload failed");
  });
});
