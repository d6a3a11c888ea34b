import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import type { VideoSource } from "../ports/video-source.js";
import { bytesEqual, collectBytes, patternedBytes } from "../testing/in-memory/byte-streams.js";
import type { Disposable } from "../testing/fresh-subject.js";
import { failureOf } from "../testing/effect-outcomes.js";
import { withFreshSubject } from "../testing/fresh-subject.js";

export interface ServedFile {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly contentType: string;
}

export interface VideoSourceContractSubject extends Disposable {
  readonly source: VideoSource;
  /** Serves a file under a link this source accepts (a shared link, a URL) and returns the link. */
  readonly serve: (file: ServedFile) => Promise<string>;
  /** A well-formed link of the kind this source accepts that leads to nothing (404, revoked link). */
  readonly missingLink: () => Promise<string>;
  /**
   * A link that answers with a transient error (503) every time, with `Retry-After` when
   * `retryAfterSeconds` is given.
   */
  readonly unavailableLink: (options: { readonly retryAfterSeconds?: number }) => Promise<string>;
  /** A link that starts sending `file` (announcing its full size) but breaks off after `afterBytes`. */
  readonly brokenLink: (file: ServedFile, afterBytes: number) => Promise<string>;
}

/**
 * What every VideoSource must do (Dropbox, plain URLs, memory). The subject arranges links on
 * whatever it talks to — a local HTTP server speaking the Dropbox protocol, say:
 * `describeVideoSourceContract("dropbox", async () => ({ source, serve, missingLink, ... }))`.
 */
export const describeVideoSourceContract = (
  name: string,
  make: () => Promise<VideoSourceContractSubject>,
): void => {
  describe(`VideoSource contract: ${name}`, () => {
    const withSubject = withFreshSubject(make);
    const run = Effect.runPromise;

    it("streams a served file intact, with its name, size and content type", () =>
      withSubject(async ({ source, serve }) => {
        const file = {
          name: "lecture-01.mp4",
          bytes: patternedBytes(2_500_000, 13),
          contentType: "video/mp4",
        };
        const opened = await run(source.open(await serve(file)));
        expect(opened.name).toBe(file.name);
        expect(opened.size).toBe(file.bytes.length);
        expect(opened.contentType).toBe(file.contentType);
        const received = await collectBytes(opened.body);
        expect(received.length).toBe(file.bytes.length);
        expect(bytesEqual(received, file.bytes)).toBe(true);
      }));

    it("rejects a link that leads to nothing", () =>
      withSubject(async ({ source, missingLink }) => {
        const link = await missingLink();
        expect(await failureOf(source.open(link))).toMatchObject({ _tag: "SourceRejected", url: link });
      }));

    it("rejects something that is not a link at all", () =>
      withSubject(async ({ source }) => {
        expect(await failureOf(source.open("not a link"))).toMatchObject({ _tag: "SourceRejected" });
      }));

    it("reports a transient failure as SourceUnavailable, with the Retry-After the source sent", () =>
      withSubject(async ({ source, unavailableLink }) => {
        const plain = await unavailableLink({});
        const plainFailure = await failureOf(source.open(plain));
        expect(plainFailure).toMatchObject({ _tag: "SourceUnavailable", url: plain });
        if (plainFailure._tag === "SourceUnavailable") expect(plainFailure.retryAfterSeconds).toBeUndefined();

        const throttled = await unavailableLink({ retryAfterSeconds: 7 });
        expect(await failureOf(source.open(throttled))).toMatchObject({
          _tag: "SourceUnavailable",
          retryAfterSeconds: 7,
        });
      }));

    it("throws SourceUnavailable from the body when the transfer breaks half-way", () =>
      withSubject(async ({ source, brokenLink }) => {
        const file = { name: "broken.mp4", bytes: patternedBytes(1_000_000, 17), contentType: "video/mp4" };
        const opened = await run(source.open(await brokenLink(file, 300_000)));
        let received = 0;
        let thrown: unknown = undefined;
        try {
          for await (const chunk of opened.body) received += chunk.length;
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toMatchObject({ _tag: "SourceUnavailable" });
        expect(received).toBeLessThan(file.bytes.length);
      }));
  });
};
