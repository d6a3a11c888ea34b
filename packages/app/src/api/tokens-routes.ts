import Router from "@koa/router";
import { Schema } from "effect";
import type { ApiTokenSummary } from "@ovs/domain";
import { promised } from "../composition/promised.js";
import type { UseCases } from "../composition/use-cases.js";
import { decodeBody } from "../http/json-body.js";
import { parameter, principalOf } from "./api-context.js";
import type { ReadJson } from "./api-options.js";

const TokenRequestBody = Schema.Struct({
  name: Schema.String,
  expires_in_days: Schema.optionalWith(Schema.Number, { exact: true }),
});

const summaryPayload = (token: ApiTokenSummary) => ({
  id: token.id,
  name: token.name,
  created_at: token.createdAt.toISOString(),
  expires_at: token.expiresAt.toISOString(),
  last_used_at: token.lastUsedAt?.toISOString() ?? null,
  revoked_at: token.revokedAt?.toISOString() ?? null,
  state: token.state,
});

/**
 * `/api/v0/tokens/`: a signed-in user's API tokens for scripts, the CLI and services. The secret is
 * shown once, in the answer to its creation; only its hash is kept.
 */
export const tokensRoutes = (input: { readonly useCases: UseCases; readonly readJson: ReadJson }) => {
  const { useCases, readJson } = input;
  const router = new Router();

  router.post("/api/v0/tokens/", async (ctx) => {
    const body = decodeBody(TokenRequestBody, await readJson(ctx));
    const issued = await promised(
      useCases.issueApiToken.run(principalOf(ctx), {
        name: body.name,
        ...(body.expires_in_days === undefined ? {} : { expires_in_days: body.expires_in_days }),
      }),
    );
    ctx.status = 201;
    ctx.body = {
      id: issued.id,
      name: issued.name,
      token: issued.token,
      created_at: issued.createdAt.toISOString(),
      expires_at: issued.expiresAt.toISOString(),
    };
    ctx.set("Cache-Control", "no-store");
  });

  router.get("/api/v0/tokens/", async (ctx) => {
    ctx.body = (await promised(useCases.listApiTokens.run(principalOf(ctx)))).map(summaryPayload);
  });

  router.delete("/api/v0/tokens/:id/", async (ctx) => {
    await promised(useCases.revokeApiToken.run(principalOf(ctx), parameter(ctx, "id")));
    ctx.status = 204;
  });

  return router;
};
