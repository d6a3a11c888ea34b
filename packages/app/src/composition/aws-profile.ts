import { Redacted } from "effect";
import { Container } from "inversify";
import {
  CloudFrontInvalidator,
  createCloudFrontClient,
  createMediaConvertClient,
  createS3Client,
  MediaConvertTranscoder,
  S3ObjectStore,
  makeS3ObjectStoreSettings,
} from "@ovs/adapters-aws";
import {
  DropboxVideoSource,
  KeycloakGroupDirectory,
  MailgunMailer,
  UrlVideoSource,
  makeDropboxVideoSourceSettings,
  makeKeycloakGroupDirectorySettings,
  makeMailgunMailerSettings,
  makeUrlVideoSourceSettings,
} from "@ovs/adapters-http";
import { makePostgresAdapters, openPostgresDatabase, startPgBoss } from "@ovs/adapters-postgres";
import type { QueueLogger } from "@ovs/adapters-postgres";
import {
  CdnInvalidator,
  Clock,
  GroupDirectory,
  IdGenerator,
  Mailer,
  ObjectStore,
  RandomIdGenerator,
  SystemClock,
  Transcoder,
  VideoSource,
} from "@ovs/domain";
import type { Clock as ClockPort } from "@ovs/domain";
import type { AppConfig } from "../config/index.js";
import { PORT_TOKENS } from "./port-tokens.js";
import { bindCloudFrontUrls, bindEdxVideoApi } from "./shared-bindings.js";
import type { OpenedProfile } from "./opened-profile.js";
import { RoutedVideoSource } from "./routed-video-source.js";

type AwsConfig = Extract<AppConfig, { profile: "aws" }>;

/**
 * Production: Postgres and pg-boss (migrated under their lock when the database opens), S3,
 * MediaConvert, CloudFront, Dropbox and URL sources, Keycloak's directory, Mailgun and edxval.
 * Each port is bound under its token; adapters that tell time get the one system clock.
 */
export const openAwsProfile = async (config: AwsConfig, logger: QueueLogger): Promise<OpenedProfile> => {
  const { aws } = config;
  if (config.databaseUrl === null) throw new Error("DATABASE_URL is required in the aws profile");
  const database = await openPostgresDatabase(Redacted.value(config.databaseUrl));
  const boss = await startPgBoss(database, { logger, supervise: true });
  const container = new Container();
  container.bind<ClockPort>(Clock).toConstantValue(new SystemClock());
  container.bind(IdGenerator).toConstantValue(new RandomIdGenerator());

  // OVS_SECRET_KEY also seals the edX endpoints' credentials at rest: changing it makes them
  // unreadable until staff re-enter them (the endpoints still list, and posts say why).
  const persistence = makePostgresAdapters(database, boss, { credentialsKey: config.secretKey });
  for (const [name, adapter] of Object.entries(persistence)) {
    container.bind(PORT_TOKENS[name as keyof typeof PORT_TOKENS]).toConstantValue(adapter);
  }

  container
    .bind(ObjectStore)
    .toResolvedValue(
      () => new S3ObjectStore(createS3Client(aws.clients.s3), makeS3ObjectStoreSettings(aws.s3ObjectStore)),
    );
  container
    .bind(Transcoder)
    .toResolvedValue(
      () => new MediaConvertTranscoder(createMediaConvertClient(aws.clients.mediaConvert), aws.mediaConvert),
    );
  bindCloudFrontUrls(container, aws.cloudFrontUrls, config.playback);
  container
    .bind(CdnInvalidator)
    .toResolvedValue(
      () =>
        new CloudFrontInvalidator(createCloudFrontClient(aws.clients.cloudFront), aws.cloudFrontInvalidator),
    );
  container
    .bind(VideoSource)
    .toResolvedValue(
      (clock: ClockPort) =>
        new RoutedVideoSource(
          new DropboxVideoSource(makeDropboxVideoSourceSettings(aws.dropbox), clock),
          new UrlVideoSource(makeUrlVideoSourceSettings(aws.urlSource)),
        ),
      [Clock],
    );
  container
    .bind(GroupDirectory)
    .toResolvedValue(
      (clock: ClockPort) =>
        new KeycloakGroupDirectory(makeKeycloakGroupDirectorySettings(aws.keycloakGroups), clock),
      [Clock],
    );
  container.bind(Mailer).toResolvedValue(() => new MailgunMailer(makeMailgunMailerSettings(aws.mailgun)));
  bindEdxVideoApi(container, aws.edx);

  return {
    container,
    database,
    boss,
    close: async () => {
      const source = container.get<{ close?(): Promise<void> }>(VideoSource);
      await source.close?.();
    },
  };
};
