import { Cause, Effect, Exit, Option } from "effect";
import type Router from "@koa/router";
import { KeycloakSignIn, makeKeycloakSignInSettings } from "@ovs/adapters-http";
import { shutDown, startWorkers } from "@ovs/adapters-postgres";
import type { QueueLogger } from "@ovs/adapters-postgres";
import { makeJobHandlers } from "@ovs/domain";
import type { DomainPorts } from "@ovs/domain";
import type { InMemoryHarness } from "@ovs/domain/testing";
import type { AuthenticateBearer } from "../auth/index.js";
import { makeServiceRouter } from "../api/service-router.js";
import type { AppConfig } from "../config/index.js";
import { openAwsProfile } from "./aws-profile.js";
import type { OpenedProfile } from "./opened-profile.js";
import { resolveDomainPorts } from "./port-tokens.js";
import { promisedUseCases } from "./promised.js";
import type { PromisedUseCases } from "./promised.js";
import { openTestProfile } from "./test-profile.js";
import { makeUseCases } from "./use-cases.js";
import type { UseCases } from "./use-cases.js";

export interface CreateOvsOptions {
  readonly config: AppConfig;
  /** Where failed jobs and pg-boss errors go; stderr by default. */
  readonly logger?: QueueLogger;
  /** How bearer tokens are checked; by default OVS's own API tokens. */
  readonly authenticateBearer?: AuthenticateBearer;
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
  /** The in-memory harness behind the `test` profile, for its hooks; null in other profiles. */
  readonly harness: InMemoryHarness | null;
  /** Stops the workers, releases the video sources, closes pg-boss and the database, in that order. */
  stop(): Promise<void>;
}

const stderrLogger: QueueLogger = { error: (message) => process.stderr.write(`${message}\n`) };

const openProfile = async (
  config: AppConfig,
  logger: QueueLogger,
): Promise<OpenedProfile & { harness: InMemoryHarness | null }> => {
  switch (config.profile) {
    case "aws":
      return { ...(await openAwsProfile(config, logger)), harness: null };
    case "test":
      return openTestProfile();
    case "local":
      throw new Error("the local profile is not composed yet: set OVS_PROFILE=aws (or test)");
  }
};

/**
 * OVS's own API tokens. An unknown, expired or revoked token is no identity (the principal
 * middleware answers 401); a database fault propagates as one.
 * The token acts as its user; the user's groups are not yet read from the directory, so a
 * bearer request sees what the user's role flags and ownership allow, not their view lists.
 */
const apiTokenBearer =
  (useCases: UseCases): AuthenticateBearer =>
  async (token) => {
    const exit = await Effect.runPromiseExit(useCases.authenticateApiToken.run(token));
    if (Exit.isSuccess(exit)) return { user: exit.value, groups: [] };
    const failure = Cause.failureOption(exit.cause);
    if (Option.isSome(failure) && failure.value._tag === "InvalidApiToken") return undefined;
    throw Cause.squash(exit.cause);
  };

/** In memory there is no pg-boss: the workers drain the harness's queue on a short timer. */
const inMemoryWorkers = (harness: InMemoryHarness, ports: DomainPorts, config: AppConfig): OvsWorkers => {
  const handlers = makeJobHandlers(ports, config.domain);
  let timer: NodeJS.Timeout | undefined;
  let draining: Promise<unknown> = Promise.resolve();
  return {
    start: async () => {
      timer ??= setInterval(() => {
        draining = draining.then(() => Effect.runPromise(harness.jobs.drain(handlers)));
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
  const opened = await openProfile(config, logger);
  const ports = resolveDomainPorts(opened.container);
  const useCases = makeUseCases(ports, config.domain);
  const signIn =
    config.profile === "aws"
      ? new KeycloakSignIn(makeKeycloakSignInSettings(config.aws.keycloakSignIn))
      : undefined;
  const router = makeServiceRouter({
    useCases,
    ports,
    baseUrl: config.baseUrl,
    secretKey: config.secretKey,
    session: config.session,
    insecureCookies: config.profile !== "aws",
    ...(signIn === undefined ? {} : { signIn }),
    authenticateBearer: options.authenticateBearer ?? apiTokenBearer(useCases),
  });

  const { boss, database } = opened;
  let running: { stop(): Promise<void> } | undefined;
  const workers: OvsWorkers =
    boss === null
      ? inMemoryWorkers(opened.harness as InMemoryHarness, ports, config)
      : {
          start: async () => {
            running ??= await startWorkers(boss, makeJobHandlers(ports, config.domain), { logger });
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
    stop: async () => {
      await workers.stop();
      await opened.close();
      if (database !== null && boss !== null) await shutDown(database, boss);
    },
  };
};
