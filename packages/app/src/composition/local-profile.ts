import { join, resolve } from "node:path";
import { Effect, Redacted } from "effect";
import { Container } from "inversify";
import { UrlVideoSource, makeUrlVideoSourceSettings } from "@ovs/adapters-http";
import {
  FfmpegTranscoder,
  FileMailbox,
  FilesystemObjectStore,
  LocalCdnInvalidator,
  ensureCdnSigningKey,
  resolveFfmpegPath,
} from "@ovs/adapters-local";
import type { CdnSigningKey } from "@ovs/adapters-local";
import {
  makePostgresAdapters,
  openPgliteDatabase,
  openPostgresDatabase,
  startPgBoss,
} from "@ovs/adapters-postgres";
import type { QueueLogger } from "@ovs/adapters-postgres";
import {
  CdnInvalidator,
  Clock,
  IdGenerator,
  Mailer,
  ObjectStore,
  RandomIdGenerator,
  ReportTranscodeOutcome,
  SystemClock,
  Transcoder,
  VideoSource,
} from "@ovs/domain";
import type { Clock as ClockPort, GroupDirectory } from "@ovs/domain";
import { GroupDirectory as GroupDirectoryToken } from "@ovs/domain";
import type { AppConfig } from "../config/index.js";
import type { OpenedProfile } from "./opened-profile.js";
import { PORT_TOKENS } from "./port-tokens.js";
import { bindCloudFrontUrls, bindEdxVideoApi } from "./shared-bindings.js";
import { RoutedVideoSource } from "./routed-video-source.js";

export type LocalConfig = Extract<AppConfig, { profile: "local" }>;

/** Where the `local` profile keeps everything, under `OVS_DATA_DIR`. */
export const localPaths = (dataDir: string) => {
  const root = resolve(dataDir);
  return {
    root,
    database: join(root, "db"),
    storage: join(root, "storage"),
    transcodeWork: join(root, "transcode"),
    mailbox: join(root, "mail", "delivered.jsonl"),
    keys: join(root, "keys"),
    users: join(root, "users.json"),
  };
};

export interface LocalProfileParts {
  /** The store the local CDN serves, and the key whose signatures it checks. */
  readonly store: FilesystemObjectStore;
  readonly signingKey: CdnSigningKey;
  readonly mailbox: FileMailbox;
  readonly paths: ReturnType<typeof localPaths>;
}

/**
 * Everything on one machine (docs/architecture.md §4): PGlite under the data folder (or the
 * Postgres server `DATABASE_URL` names), the filesystem object store, ffmpeg, a CDN on loopback
 * that checks CloudFront signatures made with a key generated on first start, URL sources, mail
 * kept in a file, and edX as configured. The group directory comes from the caller: the dev
 * users file, which the embedded sign-in issuer shares.
 */
export const openLocalProfile = async (
  config: LocalConfig,
  logger: QueueLogger,
  groupDirectory: GroupDirectory,
): Promise<OpenedProfile & { readonly parts: LocalProfileParts }> => {
  const { local, domain } = config;
  const paths = localPaths(config.dataDir);
  const database =
    config.databaseUrl === null
      ? await openPgliteDatabase({ dataDir: paths.database })
      : await openPostgresDatabase(Redacted.value(config.databaseUrl));
  const boss = await startPgBoss(database, { logger, supervise: true });
  const clock = new SystemClock();
  const container = new Container();
  container.bind<ClockPort>(Clock).toConstantValue(clock);
  container.bind(IdGenerator).toConstantValue(new RandomIdGenerator());

  const persistence = makePostgresAdapters(database, boss, { credentialsKey: config.secretKey });
  for (const [name, adapter] of Object.entries(persistence)) {
    container.bind(PORT_TOKENS[name as keyof typeof PORT_TOKENS]).toConstantValue(adapter);
  }

  const { buckets } = domain;
  const store = new FilesystemObjectStore(paths.storage, {
    buckets: [buckets.upload, buckets.transcode, buckets.thumbnail, buckets.subtitle, buckets.watch],
  });
  const signingKey = await ensureCdnSigningKey(paths.keys);
  const reportOutcome = new ReportTranscodeOutcome({ jobs: persistence.jobs });
  const transcoder = new FfmpegTranscoder({
    ffmpegPath: local.ffmpegPath ?? resolveFfmpegPath({}),
    store,
    // Per process: a second instance on the same data folder must not sweep this one's work.
    workDirectory: join(paths.transcodeWork, String(process.pid)),
    concurrency: local.transcodeConcurrency,
    timeout: local.transcodeTimeout,
    onOutcome: (outcome) => Effect.runPromise(reportOutcome.run(outcome)),
  });
  const mailbox = new FileMailbox(paths.mailbox);
  const urls = new UrlVideoSource(makeUrlVideoSourceSettings(local.urlSource));

  container.bind(ObjectStore).toConstantValue(store);
  container.bind(Transcoder).toConstantValue(transcoder);
  bindCloudFrontUrls(
    container,
    {
      host: `127.0.0.1:${local.cdnPort}`,
      scheme: "http",
      keyPairId: signingKey.keyPairId,
      privateKey: Redacted.make(signingKey.privateKeyPem),
    },
    config.playback,
  );
  container.bind(CdnInvalidator).toConstantValue(new LocalCdnInvalidator());
  // Dropbox shared links download over plain HTTPS too; without Dropbox credentials on a dev
  // machine, the guarded URL source fetches both.
  container.bind(VideoSource).toConstantValue(new RoutedVideoSource(urls, urls));
  container.bind(GroupDirectoryToken).toConstantValue(groupDirectory);
  container.bind(Mailer).toConstantValue(mailbox);
  bindEdxVideoApi(container, local.edx);

  return {
    container,
    database,
    boss,
    parts: { store, signingKey, mailbox, paths },
    close: async () => {
      await transcoder.close();
      await urls.close?.();
    },
  };
};
