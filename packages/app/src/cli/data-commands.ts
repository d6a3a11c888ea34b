import { stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import cliProgress from "cli-progress";
import { InvalidArgumentError } from "commander";
import type { Command } from "commander";
import { CliFailure, clientFromEnv } from "./api-client.js";
import type { ApiClient } from "./api-client.js";

/**
 * The data commands: HTTP clients of a running service. They never open the database themselves,
 * since the embedded one belongs to the `ovs serve` process and a second opener would corrupt it.
 */

interface JsonOption {
  readonly json?: true;
}

const write = (text: string): void => {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
};

/** `--json` prints the API's JSON as one document, so scripts can pipe it into `jq` and the like. */
const printJson = (value: unknown) => write(JSON.stringify(value, null, 2));

/**
 * Runs a command's action, reporting a `CliFailure` as one line on stderr and its exit code.
 * The exit code is set rather than `process.exit` called, so that stdout is flushed first.
 */
const reported =
  <Args extends Array<unknown>>(action: (...args: Args) => Promise<void>) =>
  async (...args: Args): Promise<void> => {
    try {
      await action(...args);
    } catch (error) {
      if (!(error instanceof CliFailure)) throw error;
      process.stderr.write(`ovs: ${error.message}\n`);
      process.exitCode = error.exitCode;
    }
  };

const client = (): Promise<ApiClient> => clientFromEnv(process.env);

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const field = (value: unknown, name: string): string => {
  const found = isRecord(value) ? value[name] : undefined;
  if (found === undefined || found === null) return "-";
  return typeof found === "string" ? found : JSON.stringify(found);
};

/** Columns padded to their widest cell; the last column is not padded, so titles may be long. */
const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join("  "),
    )
    .join("\n");
};

const segment = (value: string) => encodeURIComponent(value);

const collectGroup = (value: string, previous: ReadonlyArray<string> | boolean | undefined) => [
  ...(Array.isArray(previous) ? (previous as ReadonlyArray<string>) : []),
  value,
];

const wholeDays = (value: string): number => {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError("expected a whole number of days");
  return Number(value.trim());
};

interface CollectionFlags extends JsonOption {
  readonly title?: string;
  readonly public?: boolean;
  readonly includeInLearn?: boolean;
  readonly forShorts?: boolean;
  readonly streamSource?: StreamSourceName;
  /** `false` is `--no-view-group`: clear the list. */
  readonly viewGroup?: ReadonlyArray<string> | false;
  readonly adminGroup?: ReadonlyArray<string> | false;
}

const STREAM_SOURCES = { youtube: "Youtube", cloudfront: "Cloudfront", none: null } as const;
type StreamSourceName = keyof typeof STREAM_SOURCES;

/** Kept as its lower-case name: commander replaces a parser's `null` with a default of its own. */
const streamSourceName = (value: string): StreamSourceName => {
  const name = value.trim().toLowerCase();
  if (!Object.hasOwn(STREAM_SOURCES, name)) {
    throw new InvalidArgumentError("expected youtube, cloudfront or none");
  }
  return name as StreamSourceName;
};

/** The operator flags given on the command line, as the API's fields (staff only, the API checks). */
const operatorFields = (flags: CollectionFlags) => ({
  ...(flags.public === undefined ? {} : { is_public: flags.public }),
  ...(flags.includeInLearn === undefined ? {} : { include_in_learn: flags.includeInLearn }),
  ...(flags.forShorts === undefined ? {} : { for_shorts: flags.forShorts }),
  ...(flags.streamSource === undefined ? {} : { stream_source: STREAM_SOURCES[flags.streamSource] }),
});

const groupsField = (groups: ReadonlyArray<string> | false | undefined) =>
  groups === undefined ? undefined : groups === false ? [] : [...groups];

const printNotices = (answer: unknown) => {
  const notices = isRecord(answer) ? answer["notices"] : undefined;
  if (Array.isArray(notices)) for (const notice of notices) write(`note: ${String(notice)}`);
};

const collectionCommands = (program: Command) => {
  const collection = program.command("collection").description("create, change and list collections");

  collection
    .command("create")
    .description("create a collection (POST /api/v0/collections/)")
    .requiredOption("--title <title>", "the collection's title")
    .option("--public", "publish the collection: its new videos start public (staff only)")
    .option("--include-in-learn", "offer the collection's public videos to MIT Learn (staff only)")
    .option("--for-shorts", "transcode the collection's videos in portrait sizes (staff only)")
    .option("--stream-source <source>", "youtube, cloudfront or none (staff only)", streamSourceName)
    .option("--view-group <group>", "a group whose members may view (repeatable)", collectGroup)
    .option("--admin-group <group>", "a group whose members administer (repeatable)", collectGroup)
    .option("--json", "print the API's JSON")
    .action(
      reported(async (flags: CollectionFlags & { readonly title: string }) => {
        const answer = await (
          await client()
        ).request("POST", "api/v0/collections/", {
          title: flags.title,
          view_lists: groupsField(flags.viewGroup) ?? [],
          admin_lists: groupsField(flags.adminGroup) ?? [],
          ...operatorFields(flags),
        });
        if (flags.json === true) return printJson(answer);
        write(`created collection ${field(answer, "key")} ${JSON.stringify(field(answer, "title"))}`);
        printNotices(answer);
      }),
    );

  collection
    .command("update")
    .description("change a collection's fields; only the options given change (PATCH)")
    .argument("<key>", "the collection's key")
    .option("--title <title>", "the collection's title")
    .option("--public", "publish the collection and every video in it (staff only)")
    .option("--no-public", "unpublish the collection: every video in it becomes private (staff only)")
    .option("--include-in-learn", "offer the collection's public videos to MIT Learn (staff only)")
    .option("--no-include-in-learn", "stop offering them to MIT Learn (staff only)")
    .option("--for-shorts", "transcode the collection's videos in portrait sizes (staff only)")
    .option("--no-for-shorts", "transcode them in landscape sizes (staff only)")
    .option("--stream-source <source>", "youtube, cloudfront or none (staff only)", streamSourceName)
    .option(
      "--view-group <group>",
      "a group whose members may view (repeatable; replaces the list)",
      collectGroup,
    )
    .option("--no-view-group", "clear the view groups")
    .option(
      "--admin-group <group>",
      "a group whose members administer (repeatable; replaces the list)",
      collectGroup,
    )
    .option("--no-admin-group", "clear the admin groups")
    .option("--json", "print the API's JSON")
    .action(
      reported(async (key: string, flags: CollectionFlags) => {
        const viewLists = groupsField(flags.viewGroup);
        const adminLists = groupsField(flags.adminGroup);
        const body = {
          ...(flags.title === undefined ? {} : { title: flags.title }),
          ...(viewLists === undefined ? {} : { view_lists: viewLists }),
          ...(adminLists === undefined ? {} : { admin_lists: adminLists }),
          ...operatorFields(flags),
        };
        if (Object.keys(body).length === 0) {
          throw new CliFailure(
            "collection update: nothing to change: give --title, --view-group, --admin-group, --no-view-group, " +
              "--no-admin-group, --[no-]public, --[no-]include-in-learn, --[no-]for-shorts or --stream-source",
          );
        }
        const answer = await (await client()).request("PATCH", `api/v0/collections/${segment(key)}/`, body);
        if (flags.json === true) return printJson(answer);
        write(`updated collection ${field(answer, "key")} ${JSON.stringify(field(answer, "title"))}`);
        printNotices(answer);
      }),
    );

  collection
    .command("list")
    .description("list the collections the token's user may see (every page)")
    .option("--json", "print the API's results, every page, as one JSON array")
    .action(
      reported(async (flags: JsonOption) => {
        const collections = await (await client()).listAll("api/v0/collections/");
        if (flags.json === true) return printJson(collections);
        if (collections.length === 0) return write("no collections");
        write(
          table(
            ["KEY", "VIDEOS", "TITLE"],
            collections.map((item) => [field(item, "key"), field(item, "video_count"), field(item, "title")]),
          ),
        );
      }),
    );
};

/** The file name the service titles the video with: the URL's last path segment, decoded. */
const fileNameOf = (url: URL): string | undefined => {
  const last = url.pathname
    .split("/")
    .filter((part) => part !== "")
    .at(-1);
  if (last === undefined) return undefined;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
};

/** The size of the regular file at `path`, or a one-line failure saying why it cannot be sent. */
const fileSize = async (path: string): Promise<number> => {
  try {
    const found = await stat(path);
    if (!found.isFile()) throw new CliFailure(`upload: ${JSON.stringify(path)} is not a file`);
    return found.size;
  } catch (error) {
    if (error instanceof CliFailure) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliFailure(
      code === "ENOENT" || code === "ENOTDIR"
        ? `upload: ${JSON.stringify(path)} is not an http(s) URL and no such file exists`
        : `upload: cannot read ${JSON.stringify(path)} (${code ?? String(error)})`,
    );
  }
};

/** Sends a local file to `POST /api/v0/upload_file/`, with a progress bar on a terminal. */
const uploadLocalFile = async (path: string, flags: JsonOption & { readonly collection: string }) => {
  const size = await fileSize(path);
  const api = await client();
  const bar =
    flags.json !== true && process.stderr.isTTY
      ? new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: "uploading [{bar}] {percentage}% | {sentMiB}/{totalMiB} MiB | ETA {eta_formatted}",
            hideCursor: true,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);
  let started = false;
  let answer: unknown;
  try {
    answer = await api.uploadFile({
      path,
      size,
      collection: flags.collection,
      ...(bar === undefined
        ? {}
        : {
            onProgress: (sent: number, total: number) => {
              if (!started) bar.start(total, 0, { sentMiB: mib(0), totalMiB: mib(total) });
              started = true;
              bar.update(sent, { sentMiB: mib(sent), totalMiB: mib(total) });
            },
          }),
    });
  } finally {
    bar?.stop();
  }
  if (flags.json === true) return printJson(answer);
  const videos = isRecord(answer) ? Object.entries(answer) : [];
  for (const [key, video] of videos) {
    write(`uploaded video ${key} ${JSON.stringify(field(video, "title"))} from ${path}`);
  }
};

const uploadCommand = (program: Command) => {
  program
    .command("upload")
    .description(
      "upload a local video file (POST /api/v0/upload_file/), or have the service fetch one from a URL " +
        "(POST /api/v0/upload_videos/), into a collection",
    )
    .argument("<file-or-url>", "a local video file, or an http(s) URL the service can fetch the video from")
    .requiredOption("--collection <key>", "the collection's key")
    .option("--json", "print the API's JSON")
    .action(
      reported(async (source: string, flags: JsonOption & { readonly collection: string }) => {
        let url: URL | undefined;
        try {
          url = new URL(source);
        } catch {
          url = undefined;
        }
        if (url?.protocol === "file:") return uploadLocalFile(fileURLToPath(url), flags);
        // Anything else that is not an http(s) URL is a path (`C:\x.mp4` parses as a `c:` URL).
        if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
          return uploadLocalFile(source, flags);
        }
        const name = fileNameOf(url);
        if (name === undefined) {
          throw new CliFailure(`upload: ${url.href} has no file name in its path to title the video with`);
        }
        const answer = await (
          await client()
        ).request("POST", "api/v0/upload_videos/", {
          collection: flags.collection,
          files: [{ name, link: url.href }],
        });
        if (flags.json === true) return printJson(answer);
        const videos = isRecord(answer) ? Object.entries(answer) : [];
        for (const [key, video] of videos) {
          write(`queued video ${key} ${JSON.stringify(field(video, "title"))} from ${url.href}`);
        }
      }),
    );
};

const videoCommands = (program: Command) => {
  const video = program.command("video").description("look at videos and retry failed uploads");

  video
    .command("get")
    .description("show a video (GET /api/v0/videos/<key>/)")
    .argument("<key>", "the video's key")
    .option("--json", "print the API's JSON")
    .action(
      reported(async (key: string, flags: JsonOption) => {
        const answer = await (await client()).request("GET", `api/v0/videos/${segment(key)}/`);
        if (flags.json === true) return printJson(answer);
        write(
          [
            `video ${field(answer, "key")} ${JSON.stringify(field(answer, "title"))}`,
            `status: ${field(answer, "status")}`,
            `collection: ${field(answer, "collection_key")} ${JSON.stringify(field(answer, "collection_title"))}`,
          ].join("\n"),
        );
      }),
    );

  video
    .command("retry")
    .description("fetch a video whose upload failed again (POST /api/v0/videos/<key>/retry_upload/)")
    .argument("<key>", "the video's key")
    .option("--json", "print the API's JSON")
    .action(
      reported(async (key: string, flags: JsonOption) => {
        const answer = await (await client()).request("POST", `api/v0/videos/${segment(key)}/retry_upload/`);
        if (flags.json === true) return printJson(answer);
        write(`retrying the upload of video ${field(answer, "key")}`);
      }),
    );
};

const edxCommands = (program: Command) => {
  program
    .command("edx")
    .description("edX")
    .command("sync")
    .description(
      "post a collection's videos to its edX course (POST /api/v0/sync_collection_videos_with_edx/)",
    )
    .argument("<collection-key>", "the collection's key")
    .option("--json", "print the API's JSON")
    .action(
      reported(async (collectionKey: string, flags: JsonOption) => {
        const answer = await (
          await client()
        ).request("POST", "api/v0/sync_collection_videos_with_edx/", { collection_id: collectionKey });
        if (flags.json === true) return printJson(answer);
        const toPost = isRecord(answer) && Array.isArray(answer["to_post"]) ? answer["to_post"] : [];
        const refused = isRecord(answer) && Array.isArray(answer["refused"]) ? answer["refused"] : [];
        write(
          `edX sync of collection ${collectionKey} queued (task ${field(answer, "task_id")}): ` +
            `${toPost.length} to post, ${refused.length} left out`,
        );
        for (const video of refused) {
          write(
            `  left out ${field(video, "key")} ${JSON.stringify(field(video, "title"))}: ${field(video, "reason")}`,
          );
        }
      }),
    );
};

const tokenCommands = (program: Command) => {
  const token = program.command("token").description("API tokens of the token's user");

  token
    .command("create")
    .description("issue an API token (its secret is shown once)")
    .requiredOption("--name <name>", "what the token is for")
    .option(
      "--expires-in-days <days>",
      "how long it is valid (the service's default when left out)",
      wholeDays,
    )
    .option("--json", "print the API's JSON")
    .action(
      reported(async (flags: JsonOption & { readonly name: string; readonly expiresInDays?: number }) => {
        const answer = await (
          await client()
        ).request("POST", "api/v0/tokens/", {
          name: flags.name,
          ...(flags.expiresInDays === undefined ? {} : { expires_in_days: flags.expiresInDays }),
        });
        if (flags.json === true) return printJson(answer);
        write(
          [
            `created token ${field(answer, "id")} ${JSON.stringify(field(answer, "name"))}, expires ${field(answer, "expires_at")}`,
            `token: ${field(answer, "token")}`,
            "(the service keeps only its hash: this is the one time it is shown)",
          ].join("\n"),
        );
      }),
    );

  token
    .command("list")
    .description("list the API tokens")
    .option("--json", "print the API's JSON")
    .action(
      reported(async (flags: JsonOption) => {
        const tokens = await (await client()).request("GET", "api/v0/tokens/");
        if (flags.json === true) return printJson(tokens);
        const rows = Array.isArray(tokens) ? tokens : [];
        if (rows.length === 0) return write("no tokens");
        write(
          table(
            ["ID", "STATE", "EXPIRES", "LAST USED", "NAME"],
            rows.map((item) => [
              field(item, "id"),
              field(item, "state"),
              field(item, "expires_at"),
              field(item, "last_used_at"),
              field(item, "name"),
            ]),
          ),
        );
      }),
    );

  token
    .command("revoke")
    .description("revoke an API token")
    .argument("<id>", "the token's id (from `ovs token list`)")
    .option("--json", "print the outcome as JSON")
    .action(
      reported(async (id: string, flags: JsonOption) => {
        await (await client()).request("DELETE", `api/v0/tokens/${segment(id)}/`);
        // The API answers 204 with no body: the JSON says which token was revoked.
        if (flags.json === true) return printJson({ id, revoked: true });
        write(`revoked token ${id}`);
      }),
    );
};

/** Adds the data commands to the `ovs` program. */
const wholeNumber = (value: string): number => {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError("expected a whole number");
  return Number(value.trim());
};

const jobsCommands = (program: Command) => {
  const jobs = program.command("jobs").description("the service's background jobs (staff)");

  jobs
    .command("failed")
    .description("list the jobs that will not run again by themselves, newest first")
    .option("--limit <n>", "at most this many (1 to 500)", wholeNumber)
    .option("--json", "print the API's JSON")
    .action(
      reported(async (flags: JsonOption & { readonly limit?: number }) => {
        const path = `api/v0/jobs/failed/${flags.limit === undefined ? "" : `?limit=${flags.limit}`}`;
        const answer = await (await client()).request("GET", path);
        if (flags.json === true) return printJson(answer);
        const results = isRecord(answer) && Array.isArray(answer["results"]) ? answer["results"] : [];
        if (results.length === 0) return write("no failed jobs");
        write(
          table(
            ["ENDED", "QUEUE", "END", "ATTEMPTS", "FAILURE", "PAYLOAD"],
            results.map((job) => {
              const failure = isRecord(job) ? job["failure"] : undefined;
              return [
                field(job, "ended_at") === "-" ? field(job, "created_at") : field(job, "ended_at"),
                field(job, "queue"),
                field(job, "end"),
                field(job, "attempts"),
                isRecord(failure) ? `${field(failure, "tag")}: ${field(failure, "message")}` : "-",
                field(job, "payload"),
              ];
            }),
          ),
        );
      }),
    );
};

const mailCommands = (program: Command) => {
  const mail = program.command("mail").description("the service's status emails (staff)");

  mail
    .command("failed")
    .description("list the status emails given up on, newest first")
    .option("--limit <n>", "at most this many (1 to 500)", wholeNumber)
    .option("--json", "print the API's JSON")
    .action(
      reported(async (flags: JsonOption & { readonly limit?: number }) => {
        const path = `api/v0/mail/failed/${flags.limit === undefined ? "" : `?limit=${flags.limit}`}`;
        const answer = await (await client()).request("GET", path);
        if (flags.json === true) return printJson(answer);
        const results = isRecord(answer) && Array.isArray(answer["results"]) ? answer["results"] : [];
        if (results.length === 0) return write("no abandoned status emails");
        write(
          table(
            ["ABANDONED", "VIDEO", "TEMPLATE", "STATUS", "ATTEMPTS", "REASON"],
            results.map((entry) => [
              field(entry, "abandoned_at"),
              field(entry, "video_key"),
              field(entry, "template"),
              `${field(entry, "from_status")} -> ${field(entry, "to_status")}`,
              field(entry, "attempts"),
              field(entry, "reason"),
            ]),
          ),
        );
      }),
    );
};

export const registerDataCommands = (program: Command): void => {
  collectionCommands(program);
  uploadCommand(program);
  videoCommands(program);
  edxCommands(program);
  tokenCommands(program);
  jobsCommands(program);
  mailCommands(program);
};
