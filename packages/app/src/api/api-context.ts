import type { Context } from "koa";
import { anonymous } from "@ovs/domain";
import type { Principal } from "@ovs/domain";
import { invalidField } from "@ovs/domain";

/** Who is asking: the principal middleware's decision, anonymous when it made none. */
export const principalOf = (ctx: Context): Principal =>
  (ctx.state["principal"] as Principal | undefined) ?? anonymous;

/** The query parameters of the request, as the domain's list use cases take them. */
export const queryOf = (ctx: Context): URLSearchParams => new URLSearchParams(ctx.querystring);

/** The named filters a list accepts, last value of each; other parameters (paging, format) are not filters. */
export const filtersOf = (query: URLSearchParams, names: ReadonlyArray<string>): Record<string, string> =>
  Object.fromEntries(
    names.flatMap((name) => {
      const value = query.getAll(name).at(-1);
      return value === undefined ? [] : [[name, value]];
    }),
  );

/** A path parameter the router guarantees; its absence is a routing bug, not a client error. */
export const parameter = (ctx: Context, name: string): string => {
  const value = (ctx["params"] as Record<string, string | undefined> | undefined)?.[name];
  if (value === undefined) throw new Error(`route has no :${name} parameter`);
  return value;
};

/** PUT replaces: DRF requires the fields a PATCH may leave out. */
export const requireFields = (body: unknown, fields: ReadonlyArray<string>): void => {
  const present = typeof body === "object" && body !== null ? Object.keys(body) : [];
  const missing = fields.find((field) => !present.includes(field));
  if (missing !== undefined) throw invalidField(missing, "This field is required.");
};
