import createClient from "openapi-fetch";
import { ApiError } from "./api-error.js";
import { CSRF_HEADER, csrfTokenFrom, needsCsrf } from "./csrf-token.js";
import type { paths } from "./schema.js";

/**
 * The typed client of the JSON API (types generated from the app's OpenAPI document). It runs on
 * the session cookie; unsafe requests carry the CSRF cookie's value in `X-CSRFToken`.
 */
export const api = createClient<paths>({ baseUrl: globalThis.location?.origin ?? "http://localhost" });

api.use({
  onRequest({ request }) {
    if (needsCsrf(request.method)) {
      const token = csrfTokenFrom(document.cookie);
      if (token !== undefined) request.headers.set(CSRF_HEADER, token);
    }
    return request;
  },
});

/** The data of an openapi-fetch answer, or an `ApiError` thrown with what the API said. */
export const unwrap = async <T>(
  answer: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> => {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await answer;
  } catch {
    throw new ApiError(0, undefined);
  }
  if (!result.response.ok) throw new ApiError(result.response.status, result.error);
  return result.data as T;
};
