import type { Context } from "koa";
import { startTestService } from "./support/test-service.js";
import type { TestService } from "./support/test-service.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hexKey, userPrincipal } from "@ovs/domain";
import type { Collection, User, Video } from "@ovs/domain";
import { aCollection, aUser, aVideo, jpegBytes, storeIn } from "@ovs/domain/testing";
import type { InMemoryHarness } from "@ovs/domain/testing";
import { makeSessionCookie } from "../../src/auth/index.js";
import type { SessionContext } from "../../src/auth/session-cookie.js";
import type { Ovs } from "../../src/composition/create-ovs.js";
import type { AppConfig } from "../../src/config/index.js";

/**
 * The bad-input corpus: every request here is wrong in one way, and the app must answer it with
 * a 4xx whose body says what is wrong (`detail`, `error`, or a field error naming the field),
 * and write nothing: every in-memory table, the job queue and the object store are compared
 * before and after each request. The real Koa app on the `test` profile, called with `fetch`.
 */

const MIB = 1024 * 1024;

let config: AppConfig;
let ovs: Ovs;
let harness: InMemoryHarness;
let service: TestService;
let base: string;
let owner: User;
let collection: Collection;
let video: Video;
let tokens: Record<"owner" | "stranger" | "revoked" | "expiring", string>;
let sessionCookie: string;

/** Keys and ids the requests name, known once the data is stored. */
interface Env {
  readonly collection: string;
  readonly video: string;
}
const env = (): Env => ({ collection: hexKey(collection.key), video: hexKey(video.key) });

type Auth = "owner" | "stranger" | "revoked" | "expired" | "none" | "session" | { readonly raw: string };

/** What the answer's body must say: a `detail`, an `error`, or an error under a (dotted) field. */
type Says =
  | { readonly detail: RegExp }
  | { readonly error: RegExp }
  | { readonly field: string; readonly message?: RegExp };

interface Case {
  readonly name: string;
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  readonly path: string | ((env: Env) => string);
  readonly auth?: Auth;
  readonly headers?: Readonly<Record<string, string>>;
  /** A string is sent as `application/json` unless `headers` say otherwise. */
  readonly body?: string | Uint8Array | FormData | ((env: Env) => string | Uint8Array | FormData);
  readonly status: number;
  readonly says: Says;
}

const json = (value: unknown): string => JSON.stringify(value);

const SRT = ["1", "00:00:01,000 --> 00:00:02,500", "Hello, linear algebra.", ""].join("\r\n");
const GIF = Uint8Array.from([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0, 0, 0, 0, 0x3b]);
/** A session's CSRF cookie value (43 base64url characters, the format the app issues). */
const CSRF_COOKIE = "c".repeat(43);
const HEX31 = "0123456789abcdef0123456789abcde";
const HEX33 = "0123456789abcdef0123456789abcdef0";
/** Dashes in the wrong places, and a non-hex character in the right shape. */
const DASHED_WRONG = "0123-4567-89ab-cdef-0123-4567-89abcdef";
const DASHED_NON_HEX = "0123456z-89ab-4def-8123-456789abcdef";

const subtitleForm = (
  videoKey: string,
  file: Blob | null,
  fields: Readonly<Record<string, string>> = {},
): FormData => {
  const form = new FormData();
  form.set("video", videoKey);
  form.set("language", "en");
  form.set("filename", "lecture.srt");
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  if (file !== null) form.set("file", file, fields["filename"] ?? "lecture.srt");
  return form;
};
const thumbnailForm = (bytes: Uint8Array, type: string): FormData => {
  const form = new FormData();
  form.set("thumbnail", new Blob([bytes], { type }), "thumb");
  return form;
};
const entry = (link: string) => ({ name: "lecture.mp4", link });

const CASES: ReadonlyArray<Case> = [
  // --- Bodies that are not a JSON object ---------------------------------------------------
  {
    name: "malformed JSON",
    method: "POST",
    path: "/api/v0/collections/",
    body: "{not json",
    status: 400,
    says: { detail: /JSON/ },
  },
  {
    name: "truncated JSON",
    method: "POST",
    path: "/api/v0/collections/",
    body: '{"title": "Linear',
    status: 400,
    says: { detail: /JSON/ },
  },
  {
    name: "malformed JSON on PATCH video",
    method: "PATCH",
    path: (e) => `/api/v0/videos/${e.video}/`,
    body: "{'title': 'single quotes'}",
    status: 400,
    says: { detail: /JSON/ },
  },
  {
    name: "body that is not UTF-8",
    method: "POST",
    path: "/api/v0/collections/",
    headers: { "Content-Type": "application/json" },
    body: Uint8Array.from([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    status: 400,
    says: { detail: /UTF-8/ },
  },
  {
    name: "a JSON array instead of an object",
    method: "POST",
    path: "/api/v0/collections/",
    body: json([{ title: "x", view_lists: [], admin_lists: [] }]),
    status: 400,
    says: { field: "non_field_errors" },
  },
  {
    name: "a JSON string instead of an object",
    method: "POST",
    path: "/api/v0/collections/",
    body: json("18.06 Linear Algebra"),
    status: 400,
    says: { field: "non_field_errors" },
  },
  {
    name: "a JSON number instead of an object",
    method: "POST",
    path: "/api/v0/collections/",
    body: "42",
    status: 400,
    says: { field: "non_field_errors" },
  },
  {
    name: "JSON null instead of an object",
    method: "POST",
    path: "/api/v0/collections/",
    body: "null",
    status: 400,
    says: { field: "non_field_errors" },
  },
  {
    name: "a JSON array as a PATCH of a video",
    method: "PATCH",
    path: (e) => `/api/v0/videos/${e.video}/`,
    body: json([{ title: "x" }]),
    status: 400,
    says: { field: "non_field_errors" },
  },
  {
    name: "a JSON array as a token request",
    method: "POST",
    path: "/api/v0/tokens/",
    body: json(["cli"]),
    status: 400,
    says: { field: "non_field_errors" },
  },
  {
    name: "a JSON number as an upload request",
    method: "POST",
    path: "/api/v0/upload_videos/",
    body: "7",
    status: 400,
    says: { field: "non_field_errors" },
  },
  {
    name: "JSON over 1 MiB on POST",
    method: "POST",
    path: "/api/v0/collections/",
    body: json({ title: "x", description: "d".repeat(MIB + 16), view_lists: [], admin_lists: [] }),
    status: 413,
    says: { detail: /larger than 1048576 bytes/ },
  },
  {
    name: "JSON over 1 MiB on PATCH video",
    method: "PATCH",
    path: (e) => `/api/v0/videos/${e.video}/`,
    body: json({ description: "d".repeat(MIB + 16) }),
    status: 413,
    says: { detail: /larger than 1048576 bytes/ },
  },
  // --- Wrong content types ------------------------------------------------------------------
  {
    name: "text/plain instead of JSON",
    method: "POST",
    path: "/api/v0/collections/",
    headers: { "Content-Type": "text/plain" },
    body: json({ title: "x", view_lists: [], admin_lists: [] }),
    status: 415,
    says: { detail: /Unsupported media type "text\/plain"/ },
  },
  {
    name: "a urlencoded form instead of JSON",
    method: "PATCH",
    path: (e) => `/api/v0/videos/${e.video}/`,
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: "title=Renamed",
    status: 415,
    says: { detail: /Unsupported media type/ },
  },
  {
    name: "JSON declared in Latin-1",
    method: "POST",
    path: "/api/v0/tokens/",
    headers: { "Content-Type": "application/json; charset=iso-8859-1" },
    body: json({ name: "cli" }),
    status: 415,
    says: { detail: /Unsupported media type/ },
  },
  {
    name: "gzip-encoded JSON",
    method: "POST",
    path: "/api/v0/collections/",
    headers: { "Content-Type": "application/json", "Content-Encoding": "gzip" },
    body: json({ title: "x" }),
    status: 415,
    says: { detail: /Unsupported media type/ },
  },
  {
    name: "JSON to the subtitle upload",
    method: "POST",
    path: "/api/v0/upload_subtitles/",
    body: (e) => json({ video: e.video, filename: "a.srt", file: SRT }),
    status: 415,
    says: { detail: /Unsupported media type "application\/json"/ },
  },
  {
    name: "JSON to the thumbnail upload",
    method: "PATCH",
    path: (e) => `/api/v0/videos/${e.video}/thumbnail/`,
    body: "{}",
    status: 415,
    says: { detail: /Unsupported media type/ },
  },
  {
    name: "multipart without a boundary",
    method: "POST",
    path: "/api/v0/upload_subtitles/",
    headers: { "Content-Type": "multipart/form-data" },
    body: '--x\r\nContent-Disposition: form-data; name="video"\r\n\r\nabc\r\n--x--\r\n',
    status: 400,
    says: { field: "non_field_errors", message: /Boundary not found/ },
  },
  // --- Wrong types per field ----------------------------------------------------------------
  {
    name: "collection title as a number",
    method: "POST",
    path: "/api/v0/collections/",
    body: json({ title: 42, view_lists: [], admin_lists: [] }),
    status: 400,
    says: { field: "title" },
  },
  {
    name: "view_lists as a string",
    method: "POST",
    path: "/api/v0/collections/",
    body: json({ title: "x", view_lists: "staff", admin_lists: [] }),
    status: 400,
    says: { field: "view_lists" },
  },
  {
    name: "admin_lists of numbers",
    method: "POST",
    path: "/api/v0/collections/",
    body: json({ title: "x", view_lists: [], admin_lists: [1, 2] }),
    status: 400,
    says: { field: "admin_lists" },
  },
  {
    name: 'is_logged_in_only as "yes" on a collection',
    method: "PATCH",
    path: (e) => `/api/v0/collections/${e.collection}/`,
    body: json({ is_logged_in_only: "yes" }),
    status: 400,
    says: { field: "is_logged_in_only" },
  },
  {
    name: "collection description as a number",
    method: "PATCH",
    path: (e) => `/api/v0/collections/${e.collection}/`,
    body: json({ description: 5 }),
    status: 400,
    says: { field: "description" },
  },
  {
    name: 'is_public as "yes" on a video',
    method: "PATCH",
    path: (e) => `/api/v0/videos/${e.video}/`,
    body: json({ is_public: "yes" }),
    status: 400,
    says: { field: "is_public" },
  },
  {
    name: "is_private as 1 on a video",
    method: "PATCH",
    path: (e) => `/api/v0/videos/${e.video}/`,
    body: json({ is_private: 1 }),
    status: 400,
    says: { field: "is_private" },
  },
  {
    name: "video title as a number",
    method: "PATCH",
    path: (e) => `/api/v0/videos/${e.video}/`,
    body: json({ title: 42 }),
    status: 400,
    says: { field: "title" },
  },
  {
    name: "video view_lists as a string",
    method: "PATCH",
    path: (e) => `/api/v0/videos/${e.video}/`,
    body: json({ view_lists: "staff" }),
    status: 400,
    says: { field: "view_lists" },
  },
  {
    name: "custom_order as text",
    method: "PATCH",
    path: (e) => `/api/v0/videos/${e.video}/`,
    body: json({ custom_order: "first" }),
    status: 400,
    says: { field: "custom_order" },
  },
  {
    name: "custom_order as a fraction",
    method: "PUT",
    path: (e) => `/api/v0/videos/${e.video}/`,
    body: json({ custom_order: 1.5 }),
    status: 400,
    says: { field: "custom_order" },
  },
  {
    name: "token name as a number",
    method: "POST",
    path: "/api/v0/tokens/",
    body: json({ name: 7 }),
    status: 400,
    says: { field: "name" },
  },
  {
    name: "expires_in_days as a string",
    method: "POST",
    path: "/api/v0/tokens/",
    body: json({ name: "cli", expires_in_days: "30" }),
    status: 400,
    says: { field: "expires_in_days" },
  },
  {
    name: "expires_in_days of 0",
    method: "POST",
    path: "/api/v0/tokens/",
    body: json({ name: "cli", expires_in_days: 0 }),
    status: 400,
    says: { field: "expires_in_days", message: /days/ },
  },
  {
    name: "expires_in_days over a year",
    method: "POST",
    path: "/api/v0/tokens/",
    body: json({ name: "cli", expires_in_days: 366 }),
    status: 400,
    says: { field: "expires_in_days", message: /days/ },
  },
  {
    name: "upload files as a string",
    method: "POST",
    path: "/api/v0/upload_videos/",
    body: (e) => json({ collection: e.collection, files: "lecture.mp4" }),
    status: 400,
    says: { field: "files" },
  },
  {
    name: "file bytes negative",
    method: "POST",
    path: "/api/v0/upload_videos/",
    body: (e) =>
      json({ collection: e.collection, files: [{ ...entry("https://example.edu/a.mp4"), bytes: -1 }] }),
    status: 400,
    says: { field: "files.0.bytes" },
  },
  {
    name: "a folder among the files",
    method: "POST",
    path: "/api/v0/upload_videos/",
    body: (e) =>
      json({ collection: e.collection, files: [{ ...entry("https://example.edu/dir"), isDir: true }] }),
    status: 400,
    says: { field: "files.0.isDir", message: /folder/ },
  },
  // --- Unknown fields -----------------------------------------------------------------------
  {
    name: "an unknown field on a new collection",
    method: "POST",
    path: "/api/v0/collections/",
    body: json({ title: "x", view_lists: [], admin_lists: [], colour: "red" }),
    status: 400,
    says: { field: "colour", message: /not allowed/ },
  },
  {
    name: "a read-only field (key) on a collection PATCH",
    method: "PATCH",
    path: (e) => `/api/v0/collections/${e.collection}/`,
    body: (e) => json({ key: e.video }),
    status: 400,
    says: { field: "key", message: /not allowed/ },
  },
  {
    name: "an unknown field on a token request",
    method: "POST",
    path: "/api/v0/tokens/",
    body: json({ name: "cli", scope: "admin" }),
    status: 400,
    says: { field: "scope", message: /not allowed/ },
  },
  // --- Missing required fields --------------------------------------------------------------
  {
    name: "an empty object for a new collection",
    method: "POST",
    path: "/api/v0/collections/",
    body: "{}",
    status: 400,
    // The domain's wording for a missing field (PUT's and the token route's is DRF's "This field is required.").
    says: { field: "title", message: /^is missing$/ },
  },
  {
    name: "an empty body for a new collection",
    method: "POST",
    path: "/api/v0/collections/",
    body: "",
    status: 400,
    says: { field: "title", message: /^is missing$/ },
  },
  {
    name: "a blank collection title",
    method: "POST",
    path: "/api/v0/collections/",
    body: json({ title: "   ", view_lists: [], admin_lists: [] }),
    status: 400,
    says: { field: "title", message: /blank/ },
  },
  {
    name: "PUT of a collection without its lists",
    method: "PUT",
    path: (e) => `/api/v0/collections/${e.collection}/`,
    body: json({ title: "Replaced" }),
    status: 400,
    says: { field: "view_lists", message: /required/ },
  },
  {
    name: "a token without a name",
    method: "POST",
    path: "/api/v0/tokens/",
    body: json({ expires_in_days: 30 }),
    status: 400,
    says: { field: "name", message: /required/ },
  },
  {
    name: "a token with a blank name",
    method: "POST",
    path: "/api/v0/tokens/",
    body: json({ name: "   " }),
    status: 400,
    says: { field: "name" },
  },
  {
    name: "an upload without files",
    method: "POST",
    path: "/api/v0/upload_videos/",
    body: (e) => json({ collection: e.collection }),
    status: 400,
    says: { field: "files" },
  },
  {
    name: "an upload without a collection",
    method: "POST",
    path: "/api/v0/upload_videos/",
    body: json({ files: [entry("https://example.edu/a.mp4")] }),
    status: 400,
    says: { field: "collection" },
  },
  {
    name: "a file entry without a link",
    method: "POST",
    path: "/api/v0/upload_videos/",
    body: (e) => json({ collection: e.collection, files: [{ name: "lecture.mp4" }] }),
    status: 400,
    says: { field: "files.0.link" },
  },
  {
    name: "a replace without a file",
    method: "POST",
    path: "/api/v0/replace_video/",
    body: (e) => json({ video: e.video }),
    status: 400,
    says: { field: "file" },
  },
  {
    name: "an edX sync without a collection_id",
    method: "POST",
    path: "/api/v0/sync_collection_videos_with_edx/",
    body: "{}",
    status: 400,
    says: { field: "collection_id", message: /required/ },
  },
  // --- Malformed keys -----------------------------------------------------------------------
  {
    name: "collection key xyz in the path",
    method: "GET",
    path: "/api/v0/collections/xyz/",
    status: 404,
    says: { detail: /Not found/ },
  },
  {
    name: "video key of 31 hex characters in the path",
    method: "GET",
    path: `/api/v0/videos/${HEX31}/`,
    status: 404,
    says: { detail: /Not found/ },
  },
  {
    name: "video key of 33 hex characters in a PATCH path",
    method: "PATCH",
    path: `/api/v0/videos/${HEX33}/`,
    body: json({ title: "x" }),
    status: 404,
    says: { detail: /Not found/ },
  },
  {
    name: "collection key dashed in the wrong places, on DELETE",
    method: "DELETE",
    path: `/api/v0/collections/${DASHED_WRONG}/`,
    status: 404,
    says: { detail: /Not found/ },
  },
  {
    name: "video key with a non-hex character, on status",
    method: "GET",
    path: `/api/v0/videos/${DASHED_NON_HEX}/status/`,
    status: 404,
    says: { detail: /Not found/ },
  },
  {
    name: "video key xyz on the thumbnail upload",
    method: "PATCH",
    path: "/api/v0/videos/xyz/thumbnail/",
    body: thumbnailForm(jpegBytes(64, 36), "image/jpeg"),
    status: 404,
    says: { detail: /Not found/ },
  },
  {
    name: "video key xyz on retry_upload",
    method: "POST",
    path: "/api/v0/videos/xyz/retry_upload/",
    status: 404,
    says: { detail: /Not found/ },
  },
  {
    name: "a subtitle id that is not a number",
    method: "DELETE",
    path: "/api/v0/subtitles/1e3/",
    status: 404,
    says: { detail: /Not found/ },
  },
  {
    name: "a token id that names no token",
    method: "DELETE",
    path: "/api/v0/tokens/not-a-token/",
    status: 404,
    says: { detail: /Not found/ },
  },
  {
    name: "collection xyz in an upload body",
    method: "POST",
    path: "/api/v0/upload_videos/",
    body: json({ collection: "xyz", files: [entry("https://example.edu/a.mp4")] }),
    status: 400,
    says: { field: "collection", message: /UUID/ },
  },
  {
    name: "collection of 31 hex characters in an upload body",
    method: "POST",
    path: "/api/v0/upload_videos/",
    body: json({ collection: HEX31, files: [entry("https://example.edu/a.mp4")] }),
    status: 400,
    says: { field: "collection", message: /UUID/ },
  },
  {
    name: "video of 33 hex characters in a replace body",
    method: "POST",
    path: "/api/v0/replace_video/",
    body: json({ video: HEX33, file: entry("https://example.edu/a.mp4") }),
    status: 400,
    says: { field: "video", message: /UUID/ },
  },
  {
    name: "collection_id dashed in the wrong places on an edX sync",
    method: "POST",
    path: "/api/v0/sync_collection_videos_with_edx/",
    body: json({ collection_id: DASHED_WRONG }),
    status: 400,
    says: { field: "collection_id" },
  },
  {
    name: "video xyz in a subtitle form",
    method: "POST",
    path: "/api/v0/upload_subtitles/",
    body: () => subtitleForm("xyz", new Blob([SRT])),
    status: 400,
    says: { field: "video", message: /UUID/ },
  },
  {
    name: "collection filter xyz on the video list",
    method: "GET",
    path: "/api/v0/videos/?collection=xyz",
    status: 400,
    says: { field: "collection", message: /not a valid collection key/ },
  },
  // --- Lengths ------------------------------------------------------------------------------
  {
    name: "a 251-character video title",
    method: "PATCH",
    path: (e) => `/api/v0/videos/${e.video}/`,
    body: json({ title: "t".repeat(251) }),
    status: 400,
    says: { field: "title", message: /250/ },
  },
  {
    name: "a blank video title",
    method: "PATCH",
    path: (e) => `/api/v0/videos/${e.video}/`,
    body: json({ title: " \t " }),
    status: 400,
    says: { field: "title", message: /blank/ },
  },
  {
    name: "a 101-character token name",
    method: "POST",
    path: "/api/v0/tokens/",
    body: json({ name: "n".repeat(101) }),
    status: 400,
    says: { field: "name", message: /100/ },
  },
  // --- URLs ---------------------------------------------------------------------------------
  {
    name: "a javascript: link in an upload",
    method: "POST",
    path: "/api/v0/upload_videos/",
    body: (e) => json({ collection: e.collection, files: [entry("javascript:alert(1)")] }),
    status: 400,
    says: { field: "files.0.link", message: /http/ },
  },
  {
    name: "an ftp: link in an upload",
    method: "POST",
    path: "/api/v0/upload_videos/",
    body: (e) => json({ collection: e.collection, files: [entry("ftp://example.edu/lecture.mp4")] }),
    status: 400,
    says: { field: "files.0.link", message: /http/ },
  },
  {
    name: "a file: link in an upload",
    method: "POST",
    path: "/api/v0/upload_videos/",
    body: (e) => json({ collection: e.collection, files: [entry("file:///etc/passwd")] }),
    status: 400,
    says: { field: "files.0.link", message: /http/ },
  },
  {
    name: "an http link without a host in an upload",
    method: "POST",
    path: "/api/v0/upload_videos/",
    body: (e) => json({ collection: e.collection, files: [entry("http://")] }),
    status: 400,
    says: { field: "files.0.link" },
  },
  {
    name: "a good link then a javascript: link: the whole upload is refused",
    method: "POST",
    path: "/api/v0/upload_videos/",
    body: (e) =>
      json({
        collection: e.collection,
        files: [entry("https://example.edu/a.mp4"), { name: "b.mp4", link: "javascript:alert(1)" }],
      }),
    status: 400,
    says: { field: "files.1.link", message: /b\.mp4/ },
  },
  {
    name: "a javascript: link in a replace",
    method: "POST",
    path: "/api/v0/replace_video/",
    body: (e) => json({ video: e.video, file: entry("javascript:alert(1)") }),
    status: 400,
    says: { field: "file.link", message: /http/ },
  },
  {
    name: "an ftp: link in a replace",
    method: "POST",
    path: "/api/v0/replace_video/",
    body: (e) => json({ video: e.video, file: entry("ftp://example.edu/lecture.mp4") }),
    status: 400,
    says: { field: "file.link", message: /http/ },
  },
  {
    name: "a javascript: cta_link",
    method: "PATCH",
    path: (e) => `/api/v0/videos/${e.video}/`,
    body: json({ cta_link: "javascript:alert(document.cookie)" }),
    status: 400,
    says: { field: "cta_link", message: /http/ },
  },
  {
    name: "an ftp: cta_link",
    method: "PATCH",
    path: (e) => `/api/v0/videos/${e.video}/`,
    body: json({ cta_link: "ftp://example.edu/syllabus.pdf" }),
    status: 400,
    says: { field: "cta_link", message: /http/ },
  },
  {
    name: "a cta_link that is not a URL",
    method: "PATCH",
    path: (e) => `/api/v0/videos/${e.video}/`,
    body: json({ cta_link: "see the syllabus" }),
    status: 400,
    says: { field: "cta_link", message: /http/ },
  },
  // --- Multipart uploads --------------------------------------------------------------------
  {
    name: "a subtitle form without a file",
    method: "POST",
    path: "/api/v0/upload_subtitles/",
    body: (e) => subtitleForm(e.video, null),
    status: 400,
    says: { field: "file", message: /No file was submitted/ },
  },
  {
    name: "a subtitle file over 5 MiB",
    method: "POST",
    path: "/api/v0/upload_subtitles/",
    body: (e) => subtitleForm(e.video, new Blob([SRT, "x".repeat(5 * MIB)])),
    status: 413,
    says: { detail: /larger than 5242880 bytes/ },
  },
  {
    name: "a .srt file that is not SRT",
    method: "POST",
    path: "/api/v0/upload_subtitles/",
    body: (e) => subtitleForm(e.video, new Blob(["this is not a subtitle file\n"])),
    status: 400,
    says: { field: "file", message: /invalid SRT/ },
  },
  {
    name: "a subtitle file that is not UTF-8",
    method: "POST",
    path: "/api/v0/upload_subtitles/",
    body: (e) => subtitleForm(e.video, new Blob([Uint8Array.from([0x31, 0x0a, 0xff, 0xfe, 0x0a])])),
    status: 400,
    says: { field: "file", message: /UTF-8/ },
  },
  {
    name: "an unsupported subtitle language (xx)",
    method: "POST",
    path: "/api/v0/upload_subtitles/",
    body: (e) => subtitleForm(e.video, new Blob([SRT]), { language: "xx" }),
    status: 400,
    says: { field: "language", message: /ISO-639-1/ },
  },
  {
    name: "a subtitle language spelt out (english)",
    method: "POST",
    path: "/api/v0/upload_subtitles/",
    body: (e) => subtitleForm(e.video, new Blob([SRT]), { language: "english" }),
    status: 400,
    says: { field: "language", message: /language code/ },
  },
  {
    name: "a subtitle file named .exe",
    method: "POST",
    path: "/api/v0/upload_subtitles/",
    body: (e) => subtitleForm(e.video, new Blob([SRT]), { filename: "lecture.exe" }),
    status: 400,
    says: { field: "filename" },
  },
  {
    name: "a GIF thumbnail",
    method: "PATCH",
    path: (e) => `/api/v0/videos/${e.video}/thumbnail/`,
    body: thumbnailForm(GIF, "image/gif"),
    status: 400,
    says: { error: /Only JPEG and PNG/ },
  },
  {
    name: "a GIF thumbnail declared as JPEG",
    method: "PATCH",
    path: (e) => `/api/v0/videos/${e.video}/thumbnail/`,
    body: thumbnailForm(GIF, "image/jpeg"),
    status: 400,
    says: { error: /Invalid thumbnail data/ },
  },
  {
    name: "a thumbnail form without a file",
    method: "PATCH",
    path: (e) => `/api/v0/videos/${e.video}/thumbnail/`,
    body: () => new FormData(),
    status: 400,
    says: { error: /No thumbnail file provided/ },
  },
  {
    name: "a thumbnail in the wrong form field",
    method: "PATCH",
    path: (e) => `/api/v0/videos/${e.video}/thumbnail/`,
    body: () => {
      const form = new FormData();
      form.set("image", new Blob([jpegBytes(64, 36)], { type: "image/jpeg" }), "thumb.jpg");
      return form;
    },
    status: 400,
    says: { error: /No thumbnail file provided/ },
  },
  {
    name: "a thumbnail over 1 MiB",
    method: "PATCH",
    path: (e) => `/api/v0/videos/${e.video}/thumbnail/`,
    body: () => {
      const bytes = new Uint8Array(MIB + 1);
      bytes.set(jpegBytes(640, 360));
      return thumbnailForm(bytes, "image/jpeg");
    },
    status: 413,
    says: { error: /too large/ },
  },
  // --- Sessions and CSRF --------------------------------------------------------------------
  {
    name: "a session write without CSRF cookie or header",
    method: "POST",
    path: "/api/v0/collections/",
    auth: "session",
    body: json({ title: "x", view_lists: [], admin_lists: [] }),
    status: 403,
    says: { detail: /^CSRF Failed/ },
  },
  {
    name: "a session write with a wrong CSRF header",
    method: "PATCH",
    path: (e) => `/api/v0/videos/${e.video}/`,
    auth: "session",
    headers: { Cookie: `csrftoken=${CSRF_COOKIE}`, "X-CSRFToken": "d".repeat(43) },
    body: json({ title: "Renamed" }),
    status: 403,
    says: { detail: /^CSRF Failed/ },
  },
  {
    name: "a session write with the CSRF header but no cookie",
    method: "DELETE",
    path: (e) => `/api/v0/collections/${e.collection}/`,
    auth: "session",
    headers: { "X-CSRFToken": CSRF_COOKIE },
    status: 403,
    says: { detail: /^CSRF Failed/ },
  },
  {
    name: "a session write with the CSRF cookie but no header",
    method: "DELETE",
    path: (e) => `/api/v0/videos/${e.video}/`,
    auth: "session",
    headers: { Cookie: `csrftoken=${CSRF_COOKIE}` },
    status: 403,
    says: { detail: /^CSRF Failed/ },
  },
  {
    name: "a session write whose CSRF cookie is too short to be one",
    method: "POST",
    path: "/api/v0/tokens/",
    auth: "session",
    headers: { Cookie: "csrftoken=abc", "X-CSRFToken": "abc" },
    body: json({ name: "cli" }),
    status: 403,
    says: { detail: /^CSRF Failed/ },
  },
  {
    name: "a session write with a good CSRF token and malformed JSON",
    method: "POST",
    path: "/api/v0/collections/",
    auth: "session",
    headers: { Cookie: `csrftoken=${CSRF_COOKIE}`, "X-CSRFToken": CSRF_COOKIE },
    body: "{not json",
    status: 400,
    says: { detail: /JSON/ },
  },
  // --- Tokens -------------------------------------------------------------------------------
  {
    name: "an expired token",
    method: "POST",
    path: "/api/v0/collections/",
    auth: "expired",
    body: json({ title: "x", view_lists: [], admin_lists: [] }),
    status: 401,
    says: { detail: /^Invalid token\.$/ },
  },
  {
    name: "a revoked token",
    method: "PATCH",
    path: (e) => `/api/v0/videos/${e.video}/`,
    auth: "revoked",
    body: json({ title: "Renamed" }),
    status: 401,
    says: { detail: /^Invalid token\.$/ },
  },
  {
    name: "an unknown token",
    method: "DELETE",
    path: (e) => `/api/v0/collections/${e.collection}/`,
    auth: { raw: "Bearer ovs_notarealtoken" },
    status: 401,
    says: { detail: /^Invalid token\.$/ },
  },
  {
    name: "a bearer header without a token",
    method: "POST",
    path: "/api/v0/tokens/",
    auth: { raw: "Bearer " },
    body: json({ name: "cli" }),
    status: 401,
    says: { detail: /^Invalid token\.$/ },
  },
  {
    name: "a bearer token with characters no token has",
    method: "POST",
    path: "/api/v0/tokens/",
    auth: { raw: "Bearer abc<script>" },
    body: json({ name: "cli" }),
    status: 401,
    says: { detail: /^Invalid token\.$/ },
  },
  {
    name: "a token in the query string (token=)",
    method: "DELETE",
    path: (e) => `/api/v0/collections/${e.collection}/?token=${tokens.owner}`,
    auth: "none",
    status: 400,
    says: { detail: /not accepted in the query string/ },
  },
  {
    name: "a token in the query string (access_token=), with a good header too",
    method: "PATCH",
    path: (e) => `/api/v0/videos/${e.video}/?access_token=${tokens.owner}`,
    body: json({ title: "Renamed" }),
    status: 400,
    says: { detail: /not accepted in the query string/ },
  },
  {
    name: "an anonymous write",
    method: "POST",
    path: "/api/v0/collections/",
    auth: "none",
    body: json({ title: "x", view_lists: [], admin_lists: [] }),
    status: 403,
    says: { detail: /credentials were not provided/ },
  },
  {
    name: "a stranger renaming a video hidden from them",
    method: "PATCH",
    path: (e) => `/api/v0/videos/${e.video}/`,
    auth: "stranger",
    body: json({ title: "Mine now" }),
    status: 404,
    says: { detail: /Not found/ },
  },
  // --- Lists --------------------------------------------------------------------------------
  {
    name: "page=0",
    method: "GET",
    path: "/api/v0/collections/?page=0",
    status: 404,
    says: { detail: /^Invalid page\.$/ },
  },
  {
    name: "page=abc",
    method: "GET",
    path: "/api/v0/collections/?page=abc",
    status: 404,
    says: { detail: /^Invalid page\.$/ },
  },
  {
    name: "page=-1 on videos",
    method: "GET",
    path: "/api/v0/videos/?page=-1",
    status: 404,
    says: { detail: /^Invalid page\.$/ },
  },
  {
    name: "a page past the last",
    method: "GET",
    path: "/api/v0/collections/?page=999",
    status: 404,
    says: { detail: /^Invalid page\.$/ },
  },
  {
    name: "an edx_endpoint filter that is not an id",
    method: "GET",
    path: "/api/v0/collections/?edx_endpoint=abc",
    status: 400,
    says: { field: "edx_endpoint", message: /valid choice/ },
  },
  {
    name: "a negative edx_endpoint filter",
    method: "GET",
    path: "/api/v0/collections/?edx_endpoint=-3",
    status: 400,
    says: { field: "edx_endpoint", message: /valid choice/ },
  },
  {
    name: "an edx_endpoint filter naming no endpoint",
    method: "GET",
    path: "/api/v0/collections/?edx_endpoint=987654",
    status: 400,
    says: { field: "edx_endpoint", message: /valid choice/ },
  },
];

// --- Running a case -----------------------------------------------------------------------

const SESSION_COOKIE_NAME = "ovs_session";

const authorizationOf = (auth: Auth): Record<string, string> => {
  if (typeof auth === "object") return { Authorization: auth.raw };
  switch (auth) {
    case "none":
    case "session":
      return {};
    case "owner":
    case "stranger":
    case "revoked":
      return { Authorization: `Bearer ${tokens[auth]}` };
    case "expired":
      return { Authorization: `Bearer ${tokens.expiring}` };
  }
};

const send = (item: Case): Promise<Response> => {
  const e = env();
  const path = typeof item.path === "function" ? item.path(e) : item.path;
  const body = typeof item.body === "function" ? item.body(e) : item.body;
  const auth = item.auth ?? "owner";
  const headers = new Headers({ ...authorizationOf(auth), ...item.headers });
  if (typeof body === "string" && !headers.has("Content-Type"))
    headers.set("Content-Type", "application/json");
  if (auth === "session") {
    const cookies = [headers.get("Cookie"), `${SESSION_COOKIE_NAME}=${sessionCookie}`].filter(
      (cookie) => cookie !== null,
    );
    headers.set("Cookie", cookies.join("; "));
  }
  return fetch(`${base}${path}`, {
    method: item.method,
    headers,
    ...(body === undefined ? {} : { body: body as NonNullable<RequestInit["body"]> }),
  });
};

/** The value at a dotted field path of DRF field errors (`files.0.link`: list items or keyed objects). */
const at = (body: unknown, field: string): unknown =>
  field.split(".").reduce<unknown>((node, segment) => {
    if (Array.isArray(node)) return node[Number(segment)];
    if (typeof node === "object" && node !== null) return (node as Record<string, unknown>)[segment];
    return undefined;
  }, body);

const stringsIn = (node: unknown): ReadonlyArray<string> =>
  typeof node === "string"
    ? [node]
    : Array.isArray(node)
      ? node.flatMap(stringsIn)
      : typeof node === "object" && node !== null
        ? Object.values(node).flatMap(stringsIn)
        : [];

const expectMessage = (body: unknown, says: Says, label: string): void => {
  expect(typeof body === "object" && body !== null && !Array.isArray(body), label).toBe(true);
  if ("field" in says) {
    const messages = stringsIn(at(body, says.field)).filter((message) => message.trim().length > 0);
    expect(messages.length, `${label}: no message under "${says.field}"`).toBeGreaterThan(0);
    if (says.message !== undefined) expect(messages.join(" | "), label).toMatch(says.message);
    return;
  }
  const key = "detail" in says ? "detail" : "error";
  const text = (body as Record<string, unknown>)[key];
  expect(typeof text, `${label}: no "${key}"`).toBe("string");
  expect(text as string, label).toMatch("detail" in says ? says.detail : says.error);
};

/** A use of a token is recorded at most once a minute; use it first so the case's request records nothing. */
const warmUp = async (auth: Auth): Promise<void> => {
  if (auth === "owner" || auth === "stranger") {
    const answer = await fetch(`${base}/api/v0/tokens/`, {
      headers: { Authorization: `Bearer ${tokens[auth]}` },
    });
    expect(answer.status).toBe(200);
    await answer.arrayBuffer();
  }
};

const runCase = async (item: Case): Promise<void> => {
  const auth = item.auth ?? "owner";
  await warmUp(auth);
  if (auth === "expired") harness.clock.advance("2 days");
  try {
    const before = await service.records();
    const answer = await send(item);
    const text = await answer.text();
    const label = `${item.method} → ${answer.status} ${text.slice(0, 300)}`;
    expect(answer.status, label).toBe(item.status);
    expect(await service.records(), `${item.name}: the database changed`).toEqual(before);
    expect(answer.headers.get("content-type") ?? "", label).toMatch(/^application\/json/);
    expectMessage(JSON.parse(text) as unknown, item.says, label);
  } finally {
    if (auth === "expired") harness.clock.set(new Date());
  }
};

describe.each(["memory", "pglite"] as const)("on %s persistence", (persistence) => {
  beforeAll(async () => {
    service = await startTestService({ testPersistence: persistence });
    ovs = service.ovs;
    base = service.base;
    config = service.config;
    harness = service.harness;

    owner = await storeIn(service.ports).user(aUser().named("lecturer@example.edu").staff());
    const stranger = await storeIn(service.ports).user(aUser().named("passer-by@example.edu"));
    collection = await storeIn(service.ports).collection(aCollection().titled("18.06 Linear Algebra"), owner);
    video = await storeIn(service.ports).video(collection, aVideo());
    const issue = (user: User, days?: number) =>
      ovs.useCases.issueApiToken(userPrincipal(user), {
        name: "corpus",
        ...(days === undefined ? {} : { expires_in_days: days }),
      });
    const revoked = await issue(owner);
    await ovs.useCases.revokeApiToken(userPrincipal(owner), revoked.id);
    tokens = {
      owner: (await issue(owner)).token,
      stranger: (await issue(stranger)).token,
      revoked: revoked.token,
      expiring: (await issue(owner, 1)).token,
    };

    // A session as sign-in starts one: sealed with the app's secret key, read by the app's clock.
    const sessions = makeSessionCookie({
      secretKey: config.secretKey,
      clock: harness.clock,
      idleLifetime: config.session.idleLifetime,
      absoluteLifetime: config.session.absoluteLifetime,
      insecure: true,
    });
    let sealed: string | undefined;
    const ctx = {
      state: {},
      cookies: { set: (_name: string, value: string | null) => (sealed = value ?? undefined) },
    } as unknown as Context;
    sessions.start(ctx as unknown as SessionContext, {
      userId: owner.id,
      username: owner.username,
      groups: [],
      idToken: null,
    });
    if (sealed === undefined) throw new Error("the session cookie was not set");
    sessionCookie = sealed;
  });

  afterAll(async () => {
    await service.stop();
  });

  describe("the bad-input corpus", () => {
    it("has at least 60 cases, each with a distinct name", () => {
      expect(CASES.length).toBeGreaterThanOrEqual(60);
      expect(new Set(CASES.map((item) => item.name)).size).toBe(CASES.length);
    });

    it("starts from a database with rows in it, so an unchanged snapshot means something", async () => {
      const records = JSON.stringify(await service.records());
      for (const held of [owner.username, collection.title, video.title]) expect(records).toContain(held);
    });

    it("is run with a session the app accepts (so the CSRF refusals are not anonymous ones)", async () => {
      const answer = await fetch(`${base}/api/v0/videos/${hexKey(video.key)}/status/`, {
        headers: { Cookie: `${SESSION_COOKIE_NAME}=${sessionCookie}` },
      });
      expect(answer.status).toBe(200);
    });

    it("is run with a clock that moves, so the expired token has expired", () => {
      const now = harness.clock.now().getTime();
      expect(Math.abs(now - Date.now())).toBeLessThan(60_000);
      harness.clock.advance("2 days");
      expect(harness.clock.now().getTime() - now).toBeGreaterThanOrEqual(2 * 24 * 3600 * 1000);
      harness.clock.set(new Date());
    });

    for (const item of CASES) {
      it(`${item.method} ${item.name} → ${item.status}`, () => runCase(item));
    }
  });

  /**
   * Inputs the brief lists that the app takes on purpose, as upstream (DRF) does, or leaves to a
   * later stage: what the API answers is asserted, so a change of behaviour shows here.
   */
  describe("bad-looking input the API takes by design", () => {
    const get = async (path: string) => {
      await warmUp("owner");
      const before = await service.records();
      const answer = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${tokens.owner}` } });
      const body = (await answer.json()) as Record<string, unknown>;
      expect(await service.records()).toEqual(before);
      return { status: answer.status, body };
    };

    it("ignores page_size=-1 (DRF's PageNumberPagination falls back to the default size)", async () => {
      const { status, body } = await get("/api/v0/collections/?page_size=-1");
      expect(status).toBe(200);
      expect(body).toMatchObject({ count: 1, num_pages: 1 });
    });

    it("ignores an unknown ordering (DRF's OrderingFilter drops fields it does not know)", async () => {
      expect((await get("/api/v0/collections/?ordering=password")).status).toBe(200);
      expect((await get("/api/v0/videos/?ordering=-nonexistent")).status).toBe(200);
    });

    it("has no sign-in routes on the test profile (no OIDC issuer), so /login/?next= is not there to misuse", async () => {
      const answer = await fetch(`${base}/login/?next=https://elsewhere.example`, { redirect: "manual" });
      expect(answer.status).toBe(404);
      expect(answer.headers.get("location")).toBeNull();
    });

    it.each(["http://127.0.0.1/admin", "http://169.254.169.254/latest/meta-data/", "http://[::1]/x"])(
      "accepts the SSRF-looking link %s at the API and queues its ingest (the URL source's address guard refuses it when fetching)",
      async (link) => {
        await warmUp("owner");
        const before = JSON.stringify(await service.records());
        const answer = await fetch(`${base}/api/v0/upload_videos/`, {
          method: "POST",
          headers: { Authorization: `Bearer ${tokens.owner}`, "Content-Type": "application/json" },
          body: json({ collection: hexKey(collection.key), files: [entry(link)] }),
        });
        expect(answer.status).toBe(202);
        const [videoKey] = Object.keys((await answer.json()) as Record<string, unknown>);
        expect(before).not.toContain(videoKey);
        const queued = JSON.stringify(await service.records());
        expect(queued).toContain(link);
        expect(queued).toMatch(/video\.ingest/);
      },
    );
  });
});
