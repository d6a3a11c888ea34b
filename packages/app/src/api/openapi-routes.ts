import Router from "@koa/router";
import { OPENAPI_DOCUMENT_PATH, openApiDocument } from "./openapi-document.js";

/**
 * `GET /api/v0/openapi.json`: the API's OpenAPI 3.1 document, built once when the router is made
 * (its server URL is the configured base URL, never a request header) and served as it is.
 */
export const openApiRoutes = (input: { readonly baseUrl: string }) => {
  const document = JSON.stringify(openApiDocument({ baseUrl: input.baseUrl }));
  const router = new Router();
  router.get(OPENAPI_DOCUMENT_PATH, (ctx) => {
    ctx.type = "application/json";
    ctx.body = document;
  });
  return router;
};
