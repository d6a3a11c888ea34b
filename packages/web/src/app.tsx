import { useEffect, useRef } from "react";
import type { ReactNode } from "react";
import { CollectionPage } from "./pages/collection-page.js";
import { CollectionSettingsPage } from "./pages/collection-settings-page.js";
import { CollectionsPage } from "./pages/collections-page.js";
import { EdxEndpointsPage } from "./pages/edx-endpoints-page.js";
import { EmbedPage } from "./pages/embed-page.js";
import { ErrorPage } from "./pages/error-page.js";
import { HelpPage } from "./pages/help-page.js";
import { TermsPage } from "./pages/terms-page.js";
import { TokensPage } from "./pages/tokens-page.js";
import { VideoPage } from "./pages/video-page.js";
import { Link, useLocation } from "./routing/navigation.js";
import { pageRouteOf, signInUrl } from "./routing/page-route.js";
import type { PageRoute } from "./routing/page-route.js";
import { useSession } from "./session/session-context.js";

const pageOf = (route: PageRoute): ReactNode => {
  switch (route.page) {
    case "collections":
      return <CollectionsPage />;
    case "collection":
      return <CollectionPage key={route.key} collectionKey={route.key} />;
    case "collection-settings":
      return <CollectionSettingsPage key={route.key} collectionKey={route.key} />;
    case "video":
      return <VideoPage key={route.key} videoKey={route.key} />;
    case "embed":
      return <EmbedPage videoKey={route.key} />;
    case "tokens":
      return <TokensPage />;
    case "edx-endpoints":
      return <EdxEndpointsPage />;
    case "help":
      return <HelpPage />;
    case "terms":
      return <TermsPage />;
    case "not-found":
      return <ErrorPage code={404} />;
  }
};

/** The header every page but the embed has: where to go, and who is signed in. */
const SiteHeader = () => {
  const me = useSession();
  const { pathname, search } = useLocation();
  return (
    <header className="site-header">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Link to="/collections/" className="brand">
        OVS
      </Link>
      <nav aria-label="Main">
        <ul>
          <li>
            <Link to="/collections/">Collections</Link>
          </li>
          {me.user === null ? null : (
            <li>
              <Link to="/tokens/">API tokens</Link>
            </li>
          )}
          {me.may_manage_edx_endpoints ? (
            <li>
              <Link to="/edx-endpoints/">edX endpoints</Link>
            </li>
          ) : null}
          <li>
            <Link to="/help/">Help</Link>
          </li>
        </ul>
      </nav>
      <div className="account">
        {me.user === null ? (
          <a href={signInUrl(pathname + search)}>Sign in</a>
        ) : (
          <>
            <span className="account-name">{me.user.email}</span> <a href="/logout/">Sign out</a>
          </>
        )}
      </div>
    </header>
  );
};

export const App = () => {
  const { pathname } = useLocation();
  const route = pageRouteOf(pathname);
  const me = useSession();
  // After an in-page navigation, focus moves to the new page's content, as a page load would.
  const firstPath = useRef(pathname);
  useEffect(() => {
    if (pathname !== firstPath.current) document.getElementById("main")?.focus();
    firstPath.current = "";
  }, [pathname]);
  if (route.page === "embed")
    return (
      <main id="main" className="embed-main">
        {pageOf(route)}
      </main>
    );
  return (
    <>
      <SiteHeader />
      <main id="main" tabIndex={-1}>
        {pageOf(route)}
      </main>
      <footer className="site-footer">
        <Link to="/help/">Help</Link> · <Link to="/terms/">Terms of service</Link> · Support:{" "}
        <a href={`mailto:${me.support_email}`}>{me.support_email}</a>
      </footer>
    </>
  );
};
