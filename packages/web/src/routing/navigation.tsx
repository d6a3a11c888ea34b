import { useEffect, useSyncExternalStore } from "react";
import type { AnchorHTMLAttributes, MouseEvent, ReactNode } from "react";

const NAVIGATED = "ovs:navigated";

const subscribe = (notify: () => void) => {
  window.addEventListener("popstate", notify);
  window.addEventListener(NAVIGATED, notify);
  return () => {
    window.removeEventListener("popstate", notify);
    window.removeEventListener(NAVIGATED, notify);
  };
};

const currentLocation = () => window.location.pathname + window.location.search;

/** The current path and query; re-renders on navigation. */
export const useLocation = (): { readonly pathname: string; readonly search: string } => {
  const location = useSyncExternalStore(subscribe, currentLocation);
  const index = location.indexOf("?");
  return index < 0
    ? { pathname: location, search: "" }
    : { pathname: location.slice(0, index), search: location.slice(index) };
};

/** Goes to a page of the UI without reloading it. */
export const navigate = (to: string, options: { readonly replace?: boolean } = {}): void => {
  if (options.replace === true) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  window.dispatchEvent(new Event(NAVIGATED));
  window.scrollTo(0, 0);
};

/** Leaves the UI for a page the server answers itself (sign-in, sign-out). */
export const leaveTo = (to: string): void => window.location.assign(to);

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & {
  readonly to: string;
  readonly children: ReactNode;
};

/** A plain link (so it opens in a new tab as any link does) that navigates in place on a plain click. */
export const Link = ({ to, children, onClick, ...rest }: LinkProps) => {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={follow} {...rest}>
      {children}
    </a>
  );
};

/** Sets the document title (what a screen reader announces on navigation). */
export const useDocumentTitle = (title: string): void => {
  useEffect(() => {
    document.title = title === "" ? "OVS" : `${title} · OVS`;
  }, [title]);
};
