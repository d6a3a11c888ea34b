import Router from "@koa/router";
import { Effect, Option } from "effect";
import { hexKey, invalidField, SubtitleNotFound, videoSubtitlePayload } from "@ovs/domain";
import type { DomainPorts, Principal, VideoSubtitle } from "@ovs/domain";
import { promised } from "../composition/promised.js";
import type { UseCases } from "../composition/use-cases.js";
import { parameter, principalOf } from "./api-context.js";
import { readMultipartBody, requireFile } from "./multipart-body.js";

/** The largest subtitle file taken; real caption files are a few hundred kilobytes. */
export const SUBTITLE_UPLOAD_LIMIT_BYTES = 5 * 1024 * 1024;

/** DRF's words for a file field left out. */
const NO_FILE = "No file was submitted.";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Subtitle ids are positive integers; anything else names no subtitle. */
const subtitleIdOf = (text: string): number => {
  const id = /^[1-9][0-9]{0,14}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(id)) throw new SubtitleNotFound({ id: 0 });
  return id;
};

/**
 * One subtitle for a principal who may view its video. There is no read use case for
 * subtitles: the row is read through the port, and the video through `GetVideo`, so a subtitle
 * is hidden exactly when its video is (not found for signed-in users, sign-in for anonymous ones).
 */
const readSubtitle = (
  ports: Pick<DomainPorts, "videoSubtitles">,
  useCases: UseCases,
  principal: Principal,
  id: number,
) =>
  Effect.gen(function* () {
    const found = yield* ports.videoSubtitles.findById(id);
    if (Option.isNone(found)) return yield* new SubtitleNotFound({ id });
    const subtitle: VideoSubtitle = found.value;
    yield* useCases.getVideo
      .run(principal, hexKey(subtitle.videoKey))
      .pipe(Effect.catchTag("VideoNotFound", () => Effect.fail(new SubtitleNotFound({ id }))));
    return subtitle;
  });

/**
 * Subtitles: the multipart upload (`upload_subtitles`, answered 202 as upstream), and one
 * subtitle read (view permission on its video) or deleted (admins of its video's collection).
 */
export const subtitlesRoutes = (input: {
  readonly useCases: UseCases;
  readonly ports: Pick<DomainPorts, "videoSubtitles">;
}) => {
  const { useCases, ports } = input;
  const router = new Router();

  router.post("/api/v0/upload_subtitles/", async (ctx) => {
    const form = await readMultipartBody(ctx, {
      fileField: "file",
      fileLimitBytes: SUBTITLE_UPLOAD_LIMIT_BYTES,
    });
    const file = requireFile(form, "file", NO_FILE);
    let text: string;
    try {
      text = utf8.decode(file.bytes);
    } catch {
      throw invalidField("file", "The file is not UTF-8 text.");
    }
    // The fields the use case reads, and no others: upstream's `collection` is not one of them.
    const named = (name: string) => {
      const value = form.fields.get(name);
      return value === undefined ? {} : { [name]: value };
    };
    // The `filename` field names the subtitle; a client that leaves it out is taken at the file's word.
    const filename = form.fields.get("filename") ?? file.filename ?? undefined;
    const uploaded = await promised(
      useCases.uploadSubtitle.run(principalOf(ctx), {
        ...named("video"),
        ...named("language"),
        ...(filename === undefined ? {} : { filename }),
        file: text,
      }),
    );
    ctx.body = videoSubtitlePayload(uploaded.subtitle);
    ctx.status = 202;
  });

  router.get("/api/v0/subtitles/:id/", async (ctx) => {
    const id = subtitleIdOf(parameter(ctx, "id"));
    ctx.body = videoSubtitlePayload(await promised(readSubtitle(ports, useCases, principalOf(ctx), id)));
  });

  router.delete("/api/v0/subtitles/:id/", async (ctx) => {
    const id = subtitleIdOf(parameter(ctx, "id"));
    await promised(useCases.deleteSubtitle.run(principalOf(ctx), id));
    ctx.status = 204;
  });

  return router;
};
