import { Cause, Effect, Exit, Option, Redacted } from "effect";
import type Router from "@koa/router";
import { join } from "node:path";
import { SnsMessageVerifier } from "@ovs/adapters-aws";
import {
  DevUsersGroupDirectory,
  cloudFrontRouting,
  ensureDevUsersFile,
  makeDevOidcIssuer,
  startLocalCdn,
} from "@ovs/adapters-local";
import type { DevOidcIssuer, EnsuredDevUsersFile, FileMailbox } from "@ovs/adapters-local";
import { KeycloakSignIn, makeKeycloakSignInSettings } from "@ovs/adapters-http";
import { installSchedules, shutDown, startWorkers } from "@ovs/adapters-postgres";
import type { Database, FailedJob, QueueLogger } from "@ovs/adapters-postgres";
import { QUEUE_NAMES, makeJobHandlers } from "@ovs/domain";
import type { DomainPorts, JobHandlers, QueueName } from "@ovs/domain";
import type { InMemoryHarness } from "@ovs/domain/testing";
import type { AuthenticateBearer, SignInFlow } from "../auth/index.js";
import { makeServiceRouter } from "../api/service-router.js";
import type { TranscodeWebhook } from "../api/transcode-webhook-routes.js";
import type { AppConfig } from "../config/index.js";
import { openAwsProfile } from "./aws-profile.js";
import type { OpenedProfile } from "./opened-profile.js";
import { resolveDomainPorts } from "./port-tokens.js";
import { promised, promisedUseCases } from "./promised.js";
import type { PromisedUseCases } from "./promised.js";
import { databaseOperations, harnessOperations } from "../observability/operations.js";
import type { Operations } from "../observability/operations.js";
import { makeServiceMetrics } from "../observability/service-metrics.js";
import type { ServiceMetrics } from "../observability/service-metrics.js";
import { openTestProfile } from "./test-profile.js";
import { localPaths, openLocalProfile } from "./local-profile.js";
import type { LocalConfig, LocalProfileParts } from "./local-profile.js";
import { makeUseCases } from "./use-cases.js";
import type { UseCases } from "./use-cases.js";

export interface CreateOvsOptions {
  readonly config: AppConfig;
  /** Where failed jobs and pg-boss errors go; stderr by default. */
  readonly logger?: QueueLogger;
  /** How bearer tokens are checked; by default OVS's own API tokens. */
  readonly authenticateBearer?: AuthenticateBearer;
  /** The OIDC sign-in flow, instead of the profile's (only `aws` has one): e.g. a test issuer's. */
  readonly signIn?: SignInFlow;
  /**
   * What the transcode webhook trusts, instead of the profile's (only `aws` has MediaConvert):
   * e.g. a verifier that fetches a test certificate.
   */
  readonly transcodeWebhook?: TranscodeWebhook;
  /** Whether this process serves the `local` profile's CDN (not in a `--role worker` process); true by default. */
  readonly serveLocalCdn?: boolean;
  /**
   * The database the `test` profile keeps its records and jobs in, instead of the harness (it is
   * migrated already, e.g. by `openPgliteDatabase`); `stop` closes it.
   */
  readonly testDatabase?: Database;
}

export interface OvsWorkers {
  /** Starts working every queue; a second call does nothing. */
  start(): Promise<void>;
  /** Stops taking jobs and waits for the ones running. */
  stop(): Promise<void>;
}

export interface Ovs {
  /** Every route (sign-in, the JSON API, the feed), to mount under a prefix in a Koa app. */
  readonly router: Router;
  /** The request-driven use cases; each rejects with the domain's tagged error itself. */
  readonly useCases: PromisedUseCases<UseCases>;
  readonly ports: DomainPorts;
  readonly workers: OvsWorkers;
  /**
   * The in-memory harness behind the `test` profile, for its hooks; null in other profiles. With
   * PGlite persistence its repositories and queue are not the service's: use `ports`.
   */
  readonly harness: InMemoryHarness | null;
  /** The `local` profile's CDN, sign-in issuer and mailbox; null in other profiles. */
  readonly local: LocalServices | null;
  /** Readiness of the database and the job queue, and the figures operators watch. */
  readonly operations: Operations;
  /** The service's Prometheus metrics: requests (fed by `requestObserver`), jobs, and gauges. */
  readonly metrics: ServiceMetrics;
  /** Stops the workers, releases the video sources, closes pg-boss and the database, in that order. */
  stop(): Promise<void>;
}

/** Starts the local CDN (unless another process serves it) and makes the embedded sign-in issuer. */
const startLocalServices = async (
  config: LocalConfig,
  parts: LocalProfileParts & { readonly devUsers: EnsuredDevUsersFile },
  serveCdn: boolean,
): Promise<LocalServices & { close(): Promise<void> }> => {
  const { buckets } = config.domain;
  const cdn = serveCdn
    ? await startLocalCdn({
        store: parts.store,
        routing: cloudFrontRouting(buckets),
        trustedKeys: { [parts.signingKey.keyPairId]: parts.signingKey.publicKeyPem },
        corsOrigins: [new URL(config.baseUrl).origin],
        port: config.local.cdnPort,
      })
    : null;
  const issuer = await makeDevOidcIssuer({
    issuerUrl: `${config.baseUrl}/dev/oidc`,
    usersFile: parts.paths.users,
    clients: [
      {
        client_id: LOCAL_CLIENT_ID,
        client_name: "OVS",
        redirect_uris: [`${config.baseUrl}/auth/complete/keycloak/`],
        post_logout_redirect_uris: [`${config.baseUrl}/`],
      },
    ],
    cookieKeys: [Redacted.value(config.secretKey)],
    jwksFile: join(parts.paths.root, "dev-oidc-jwks.json"),
  });
  return {
    cdnUrl: cdn?.url ?? null,
    issuer,
    mailbox: parts.mailbox,
    dataDir: parts.paths.root,
    devUsers: parts.devUsers,
    close: async () => {
      await cdn?.close();
    },
  };
};

const stderrLogger: QueueLogger = { error: (message) => process.stderr.write(`${message}\n`) };

type ProfileOpened = OpenedProfile & {
  readonly harness: InMemoryHarness | null;
  readonly local: (LocalProfileParts & { readonly devUsers: EnsuredDevUsersFile }) | null;
};

const openProfile = async (
  config: AppConfig,
  logger: QueueLogger,
  testDatabase: Database | undefined,
): Promise<ProfileOpened> => {
  switch (config.profile) {
    case "aws":
      return { ...(await openAwsProfile(config, logger)), harness: null, local: null };
    case "test":
      return {
        ...(await openTestProfile(testDatabase, logger, config.secretKey, config.playback)),
        local: null,
      };
    case "local": {
      // The dev users file is the sign-in issuer's accounts and the group directory at once.
      const { users } = localPaths(config.dataDir);
      const devUsers = await ensureDevUsersFile(users);
      const opened = await openLocalProfile(config, logger, new DevUsersGroupDirectory(users));
      return { ...opened, harness: null, local: { ...opened.parts, devUsers } };
    }
  }
};

/** The OIDC client the local profile's app is at its own embedded issuer. */
const LOCAL_CLIENT_ID = "ovs-local";

/** What only the `local` profile has: its CDN, its sign-in issuer, its mailbox, and where it all lives. */
export interface LocalServices {
  /** The CDN's origin (`http://127.0.0.1:<OVS_CDN_PORT>`); null when this process serves none (`--role worker`). */
  readonly cdnUrl: string | null;
  /** Koa middleware answering `/dev/oidc/…`; mount it before the router (it reads its own bodies). */
  readonly issuer: DevOidcIssuer;
  readonly mailbox: FileMailbox;
  readonly dataDir: string;
  /** The dev accounts made on this start (with their passwords), or none when the users file existed. */
  readonly devUsers: EnsuredDevUsersFile;
}

/** How long a bearer's groups, read from the directory, are reused. */
const BEARER_GROUPS_TTL_MS = 60_000;
const MAX_CACHED_BEARER_GROUPS = 1000;

/**
 * The directory's groups of a user, reused for a minute (by the domain clock) so a token acts
 * with its user's current groups without a directory lookup on every request. Failures are not kept.
 */
const bearerGroups = (ports: Pick<DomainPorts, "groupDirectory" | "clock">) => {
  const cache = new Map<string, { readonly until: number; readonly groups: ReadonlyArray<string> }>();
  return async (username: string): Promise<ReadonlyArray<string>> => {
    const now = ports.clock.now().getTime();
    const hit = cache.get(username);
    if (hit !== undefined && now < hit.until) return hit.groups;
    const groups = await promised(ports.groupDirectory.groupsOf(username));
    if (cache.size >= MAX_CACHED_BEARER_GROUPS) {
      for (const [key, entry] of cache) if (entry.until <= now) cache.delete(key);
      if (cache.size >= MAX_CACHED_BEARER_GROUPS) cache.delete(cache.keys().next().value ?? "");
    }
    cache.set(username, { until: now + BEARER_GROUPS_TTL_MS, groups });
    return groups;
  };
};

/**
 * OVS's own API tokens. An unknown, expired or revoked token is no identity (the principal
 * middleware answers 401); a database or directory fault propagates as one (503 when passing).
 * The token acts as its user with the user's groups from the group directory, read again at
 * most a minute later, so view and admin lists apply to bearer requests as to sessions.
 */
const apiTokenBearer = (
  useCases: UseCases,
  ports: Pick<DomainPorts, "groupDirectory" | "clock">,
): AuthenticateBearer => {
  const groupsOf = bearerGroups(ports);
  return async (token) => {
    const exit = await Effect.runPromiseExit(useCases.authenticateApiToken.run(token));
    if (Exit.isSuccess(exit)) return { user: exit.value, groups: await groupsOf(exit.value.username) };
    const failure = Cause.failureOption(exit.cause);
    if (Option.isSome(failure) && failure.value._tag === "InvalidApiToken") return undefined;
    throw Cause.squash(exit.cause);
  };
};

/** A job the in-memory drain ran and that failed: it is not retried there. */
const failedInMemory = (
  job: { readonly id: string; readonly queue: string; readonly payload: unknown },
  reported: unknown,
  at: Date,
): FailedJob => {
  // The drain reports the handler's cause; the failure inside it is what the job failed with.
  const error = Cause.isCause(reported) ? Cause.squash(reported) : reported;
  const tag =
    typeof error === "object" && error !== null && typeof (error as { _tag?: unknown })._tag === "string"
      ? (error as { _tag: string })._tag
      : "Error";
  return {
    id: job.id,
    queue: job.queue,
    payload: job.payload,
    end: "not_retried",
    failure: { tag, message: error instanceof Error ? error.message : String(error) },
    attempts: 1,
    createdAt: at,
    endedAt: at,
  };
};

/** `OVS_WORKERS_<QUEUE>` as `startWorkers` takes it: that many jobs of the queue at once, none at 0. */
const perQueueConcurrency = (config: AppConfig) =>
  Object.fromEntries(
    Object.entries(config.workers.concurrency).map(([queue, concurrency]) => [queue, { concurrency }]),
  ) as Partial<Record<QueueName, { readonly concurrency: number }>>;

/**
 * In memory there is no pg-boss: the workers drain the harness's queue on a short timer, one job
 * at a time, leaving alone the queues set to 0. There are no schedules: tests enqueue the sweeps.
 */
const inMemoryWorkers = (
  harness: InMemoryHarness,
  ports: DomainPorts,
  config: AppConfig,
  failed: Array<FailedJob>,
): OvsWorkers => {
  const all = makeJobHandlers(ports, config.domain);
  const handlers = Object.fromEntries(
    QUEUE_NAMES.filter((queue) => config.workers.concurrency[queue] > 0).map((queue) => [queue, all[queue]]),
  ) as unknown as JobHandlers;
  let timer: NodeJS.Timeout | undefined;
  let draining: Promise<unknown> = Promise.resolve();
  const drain = async () => {
    for (const ran of await Effect.runPromise(harness.jobs.drain(handlers))) {
      if (ran.error !== undefined) failed.unshift(failedInMemory(ran.job, ran.error, ports.clock.now()));
    }
  };
  return {
    start: async () => {
      timer ??= setInterval(() => {
        draining = draining.then(drain);
      }, 100);
    },
    stop: async () => {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await draining;
    },
  };
};

/**
 * The service, composed for its profile: the same composition `ovs serve` runs. The container
 * becomes `DomainPorts` once, and every use case is built from it once.
 */
export const createOvs = async (options: CreateOvsOptions): Promise<Ovs> => {
  const { config } = options;
  const logger = options.logger ?? stderrLogger;
  const opened = await openProfile(config, logger, options.testDatabase);
  const ports = resolveDomainPorts(opened.container);
  const useCases = makeUseCases(ports, config.domain);
  const localServices =
    opened.local === null || config.profile !== "local"
      ? null
      : await startLocalServices(config, opened.local, options.serveLocalCdn ?? true);
  const signIn =
    options.signIn ??
    (config.profile === "aws"
      ? new KeycloakSignIn(makeKeycloakSignInSettings(config.aws.keycloakSignIn))
      : localServices === null
        ? undefined
        : new KeycloakSignIn(
            makeKeycloakSignInSettings({
              issuerUrl: localServices.issuer.issuer,
              clientId: LOCAL_CLIENT_ID,
              clientAuthentication: "none",
              redirectUri: `${config.baseUrl}/auth/complete/keycloak/`,
              postLogoutRedirectUri: `${config.baseUrl}/`,
              allowInsecureRequests: true,
            }),
          ));
  const { boss, database } = opened;
  const failedInHarness: Array<FailedJob> = [];
  const operations =
    database !== null && boss !== null
      ? databaseOperations(database, boss)
      : harnessOperations(opened.harness as InMemoryHarness, () => failedInHarness);
  const metrics = makeServiceMetrics(operations);
  const transcodeWebhook: TranscodeWebhook | undefined =
    options.transcodeWebhook ??
    (config.profile === "aws"
      ? {
          sns: new SnsMessageVerifier({ ...config.aws.snsVerifier, clock: ports.clock }),
          events: config.aws.mediaConvertEvents,
          sharedSecret: config.aws.transcodeWebhookSecret,
        }
      : undefined);
  const router = makeServiceRouter({
    useCases,
    ports,
    baseUrl: config.baseUrl,
    secretKey: config.secretKey,
    session: config.session,
    settings: config.domain,
    maxUploadBytes: config.maxUploadBytes,
    insecureCookies: config.profile !== "aws",
    ...(config.playback.signedCookies ? { playbackCookies: { domain: config.playback.cookieDomain } } : {}),
    ...(signIn === undefined ? {} : { signIn }),
    ...(transcodeWebhook === undefined ? {} : { transcodeWebhook }),
    operations,
    authenticateBearer: options.authenticateBearer ?? apiTokenBearer(useCases, ports),
    me: {
      dropboxKey: config.profile === "aws" ? config.aws.dropbox.appKey : null,
      supportEmail: config.domain.supportEmail,
    },
  });

  let running: { stop(): Promise<void> } | undefined;
  const workers: OvsWorkers =
    boss === null
      ? inMemoryWorkers(opened.harness as InMemoryHarness, ports, config, failedInHarness)
      : {
          start: async () => {
            if (running !== undefined) return;
            // The schedules live in the database: every worker process installs the same ones,
            // and pg-boss keeps one of each (docs/architecture.md §7).
            await installSchedules(boss, config.workers.schedules);
            running ??= await startWorkers(boss, makeJobHandlers(ports, config.domain), {
              logger,
              perQueue: perQueueConcurrency(config),
              onJobEnd: (ended) =>
                metrics.observeJob({ queue: ended.queue, outcome: ended.end }, ended.seconds),
            });
          },
          stop: async () => {
            await running?.stop();
            running = undefined;
          },
        };

  return {
    router,
    useCases: promisedUseCases(useCases),
    ports,
    workers,
    harness: opened.harness,
    local: localServices,
    operations,
    metrics,
    stop: async () => {
      await workers.stop();
      await localServices?.close();
      await opened.close();
      if (database !== null && boss !== null) await shutDown(database, boss);
    },
  };
};
