// @ovs/app: the service, for embedding; the `ovs` program is dist/cli/ovs.js.
export { createOvs } from "./composition/create-ovs.js";
export type { CreateOvsOptions, Ovs, OvsWorkers } from "./composition/create-ovs.js";
export type { PromisedUseCases } from "./composition/promised.js";
export type { UseCases } from "./composition/use-cases.js";
export { ConfigError, describeConfig, readConfig } from "./config/index.js";
export type { AppConfig, Env, Profile } from "./config/index.js";
export { httpAnswerFor } from "./http/errors.js";
export type { HttpAnswer } from "./http/errors.js";
export { makeKoaApp } from "./http/koa-app.js";
export type { HttpLogger, KoaAppOptions } from "./http/koa-app.js";
export type { AuthenticateBearer, BearerIdentity } from "./auth/index.js";
