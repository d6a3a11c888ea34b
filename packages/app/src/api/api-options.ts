import type { Context } from "koa";

/** Reads a request's JSON body within the route's size limit (the HTTP layer's `readJsonBody`). */
export type ReadJson = (ctx: Context) => Promise<unknown>;
