import { Link, useDocumentTitle } from "../routing/navigation.js";
import { signInUrl } from "../routing/page-route.js";
import { useSession } from "../session/session-context.js";

export type ErrorCode = 403 | 404 | 500;

const TITLES: Readonly<Record<ErrorCode, string>> = {
  403: "You can’t see this",
  404: "Page not found",
  500: "Something went wrong",
};

/**
 * The 403, 404 and 500 pages: what happened and what to do next. The API answers "not found" to a
 * signed-in person for what is not shared with them, so the 403 page covers both cases.
 */
export const ErrorPage = ({
  code,
  detail,
}: {
  readonly code: ErrorCode;
  readonly detail?: string | undefined;
}) => {
  const me = useSession();
  useDocumentTitle(TITLES[code]);
  const here = window.location.pathname + window.location.search;
  const support = <a href={`mailto:${me.support_email}`}>{me.support_email}</a>;
  return (
    <section className="error-page" aria-labelledby="error-title">
      <p className="error-code">Error {code}</p>
      <h1 id="error-title">{TITLES[code]}</h1>
      {code === 403 ? (
        <>
          <p>
            {me.user === null
              ? "This page is only for people who have signed in."
              : `It doesn’t exist, or it hasn’t been shared with ${me.user.email}.`}
          </p>
          <ul className="next-steps">
            {me.user === null ? (
              <li>
                <a href={signInUrl(here)}>Sign in</a> and you will come back here.
              </li>
            ) : (
              <>
                <li>Ask the person who sent you the link to add you to one of the video’s view groups.</li>
                <li>
                  If you have another account, <a href="/logout/">sign out</a> and sign in with it.
                </li>
              </>
            )}
            <li>
              Go to <Link to="/collections/">your collections</Link>.
            </li>
          </ul>
        </>
      ) : code === 404 ? (
        <>
          <p>There is no page at this address. The link may be mistyped or out of date.</p>
          <ul className="next-steps">
            <li>
              Go to <Link to="/collections/">your collections</Link>.
            </li>
            <li>Ask whoever sent the link for a new one.</li>
          </ul>
        </>
      ) : (
        <>
          <p>The service had a problem showing this page. It is not something you did.</p>
          <ul className="next-steps">
            <li>
              <button type="button" className="link-button" onClick={() => window.location.reload()}>
                Reload the page
              </button>{" "}
              in a minute.
            </li>
            <li>If it keeps happening, write to {support} and say what you were doing.</li>
          </ul>
        </>
      )}
      {detail === undefined ? null : <p className="hint">Details: {detail}</p>}
    </section>
  );
};
