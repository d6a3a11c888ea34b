import { Effect, Option } from "effect";
import type { EncodeJob, EncodeJobState } from "../../model/encode-job.js";
import type { VideoKey } from "../../model/keys.js";
import type { EncodeJobRepository, EncodeJobUpdate } from "../../ports/encode-job-repository.js";
import { RecordNotFound, UniqueViolation } from "../../ports/persistence-errors.js";
import type { InMemoryDatabase } from "./in-memory-database.js";
import { copyRow, jsonCopy } from "./in-memory-rows.js";

const TABLE = "encodeJobs";
const IN_FLIGHT: ReadonlyArray<EncodeJobState> = ["Submitted", "Progressing"];

/** A copy whose message is as detached as the rest of the row (it is a JSON column). */
const copyJob = (job: EncodeJob): EncodeJob => copyRow({ ...job, message: jsonCopy(job.message) });

/** Transcode jobs in the shared in-memory tables, keyed by the transcoder's job id. */
export class InMemoryEncodeJobRepository implements EncodeJobRepository {
  constructor(private readonly database: InMemoryDatabase) {}

  private get jobs(): Map<string, EncodeJob> {
    return this.database.tables.encodeJobs;
  }

  private write(job: EncodeJob): EncodeJob {
    const stored = copyJob(job);
    this.jobs.set(job.id, stored);
    return copyJob(stored);
  }

  /** Creation order for jobs created in the same millisecond. */
  private insertedBefore(a: EncodeJob, b: EncodeJob): number {
    return this.database.insertionOrder(TABLE, a.id) - this.database.insertionOrder(TABLE, b.id);
  }

  insert(job: EncodeJob): Effect.Effect<EncodeJob, UniqueViolation | RecordNotFound> {
    return Effect.suspend((): Effect.Effect<EncodeJob, UniqueViolation | RecordNotFound> => {
      if (this.jobs.has(job.id)) {
        return Effect.fail(new UniqueViolation({ entity: "EncodeJob", field: "id", value: job.id }));
      }
      if (!this.database.tables.videos.has(job.videoKey)) {
        return Effect.fail(new RecordNotFound({ entity: "Video", id: job.videoKey }));
      }
      this.database.recordInsertion(TABLE, job.id);
      return Effect.succeed(this.write(job));
    });
  }

  findById(id: string): Effect.Effect<Option.Option<EncodeJob>> {
    return Effect.sync(() => Option.map(Option.fromNullable(this.jobs.get(id)), copyJob));
  }

  compareAndSetState(
    id: string,
    expected: ReadonlyArray<EncodeJobState>,
    update: EncodeJobUpdate,
    at: Date,
  ): Effect.Effect<Option.Option<EncodeJob>, RecordNotFound> {
    return Effect.suspend(() => {
      const current = this.jobs.get(id);
      if (current === undefined) return Effect.fail(new RecordNotFound({ entity: "EncodeJob", id }));
      if (!expected.includes(current.state)) return Effect.succeed(Option.none());
      return Effect.succeed(
        Option.some(
          this.write({
            ...current,
            state: update.state,
            errorCode: update.errorCode === undefined ? current.errorCode : update.errorCode,
            errorMessage: update.errorMessage === undefined ? current.errorMessage : update.errorMessage,
            message: "message" in update ? update.message : current.message,
            lastModified: at,
          }),
        ),
      );
    });
  }

  latestForVideo(key: VideoKey): Effect.Effect<Option.Option<EncodeJob>> {
    return Effect.sync(() => {
      const newest = [...this.jobs.values()]
        .filter((job) => job.videoKey === key)
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || this.insertedBefore(b, a))[0];
      return Option.map(Option.fromNullable(newest), copyJob);
    });
  }

  listInFlightSince(before: Date, limit: number): Effect.Effect<ReadonlyArray<EncodeJob>> {
    return Effect.sync(() =>
      [...this.jobs.values()]
        .filter((job) => IN_FLIGHT.includes(job.state) && job.createdAt.getTime() < before.getTime())
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || this.insertedBefore(a, b))
        .slice(0, Math.max(0, limit))
        .map(copyJob),
    );
  }
}
