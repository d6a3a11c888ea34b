import Router from "@koa/router";
import { edxEndpointPayload } from "@ovs/domain";
import { promised } from "../composition/promised.js";
import type { UseCases } from "../composition/use-cases.js";
import { parameter, principalOf } from "./api-context.js";
import type { ReadJson } from "./api-options.js";

/**
 * `/api/v0/edx_endpoints/`: the Open edX instances collections post to, for staff and
 * superusers (upstream kept them in the Django admin). Answers are `edxEndpointPayload`, which
 * never carries the client id, the secret key or the access token: credentials are write-only.
 * Bodies go to the use cases as sent; they refuse unknown fields.
 */
export const edxEndpointsRoutes = (input: { readonly useCases: UseCases; readonly readJson: ReadJson }) => {
  const { useCases, readJson } = input;
  const router = new Router();

  router.get("/api/v0/edx_endpoints/", async (ctx) => {
    ctx.body = (await promised(useCases.listEdxEndpoints.run(principalOf(ctx)))).map(edxEndpointPayload);
  });

  router.post("/api/v0/edx_endpoints/", async (ctx) => {
    const created = await promised(useCases.createEdxEndpoint.run(principalOf(ctx), await readJson(ctx)));
    ctx.status = 201;
    ctx.body = edxEndpointPayload(created);
  });

  router.get("/api/v0/edx_endpoints/:id/", async (ctx) => {
    ctx.body = edxEndpointPayload(
      await promised(useCases.getEdxEndpoint.run(principalOf(ctx), parameter(ctx, "id"))),
    );
  });

  router.patch("/api/v0/edx_endpoints/:id/", async (ctx) => {
    const body = await readJson(ctx);
    ctx.body = edxEndpointPayload(
      await promised(useCases.updateEdxEndpoint.run(principalOf(ctx), parameter(ctx, "id"), body)),
    );
  });

  router.delete("/api/v0/edx_endpoints/:id/", async (ctx) => {
    await promised(useCases.deleteEdxEndpoint.run(principalOf(ctx), parameter(ctx, "id")));
    ctx.status = 204;
  });

  return router;
};
