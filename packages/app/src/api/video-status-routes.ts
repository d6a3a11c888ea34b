import Router from "@koa/router";
import { Effect, Option } from "effect";
import { apiTimestamp, hexKey } from "@ovs/domain";
import type { DomainPorts, EncodeJob, Principal } from "@ovs/domain";
import { promised } from "../composition/promised.js";
import type { UseCases } from "../composition/use-cases.js";
import { parameter, principalOf } from "./api-context.js";

const encodeJobPayload = (job: EncodeJob) => ({
  state: job.state,
  purpose: job.purpose,
  error_code: job.errorCode,
  error_message: job.errorMessage,
  created_at: apiTimestamp(job.createdAt),
  last_modified: apiTimestamp(job.lastModified),
});

/** The video's status and its current transcode job, for a principal who may view the video. */
const videoStatus = (
  ports: Pick<DomainPorts, "encodeJobs">,
  useCases: UseCases,
  principal: Principal,
  key: string,
) =>
  Effect.gen(function* () {
    const { details } = yield* useCases.getVideo.run(principal, key);
    const latest = yield* ports.encodeJobs.latestForVideo(details.video.key);
    return {
      key: hexKey(details.video.key),
      status: details.video.status,
      encode_jobs: Option.match(latest, { onNone: () => [], onSome: (job) => [encodeJobPayload(job)] }),
    };
  });

/**
 * `GET /api/v0/videos/<key>/status/`: how a video's processing goes, for whoever may view the
 * video (read through `GetVideo`, so the same hiding rules apply), instead of a task id anyone
 * could poll.
 */
export const videoStatusRoutes = (input: {
  readonly useCases: UseCases;
  readonly ports: Pick<DomainPorts, "encodeJobs">;
}) => {
  const { useCases, ports } = input;
  const router = new Router();

  router.get("/api/v0/videos/:key/status/", async (ctx) => {
    ctx.body = await promised(videoStatus(ports, useCases, principalOf(ctx), parameter(ctx, "key")));
    ctx.set("Cache-Control", "private, no-store");
  });

  return router;
};
