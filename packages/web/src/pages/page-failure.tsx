import { ApiError } from "../api/api-error.js";
import { leaveTo } from "../routing/navigation.js";
import { signInUrl } from "../routing/page-route.js";
import { useSession } from "../session/session-context.js";
import { ErrorPage } from "./error-page.js";

/**
 * What a page shows when loading its object failed: an anonymous visitor asked to sign in is sent
 * to sign in (and back); "not found" of an object is the 403 page (hidden and missing look alike);
 * anything else is the 500 page.
 */
export const PageFailure = ({ error }: { readonly error: unknown }) => {
  const me = useSession();
  if (error instanceof ApiError) {
    if (error.status === 403 && me.user === null) {
      leaveTo(signInUrl(window.location.pathname + window.location.search));
      return <p>Taking you to sign in…</p>;
    }
    if (error.status === 403 || error.status === 404) return <ErrorPage code={403} />;
  }
  return <ErrorPage code={500} detail={error instanceof Error ? error.message : undefined} />;
};

export const Loading = ({ what }: { readonly what: string }) => (
  <p className="loading" role="status">
    Loading {what}…
  </p>
);
