/** The cookie the app sets at sign-in and the header it wants it back in on unsafe requests. */
export const CSRF_COOKIE = "csrftoken";
export const CSRF_HEADER = "X-CSRFToken";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

/** The CSRF token from a `document.cookie` string, or undefined when there is none. */
export const csrfTokenFrom = (cookies: string): string | undefined => {
  for (const part of cookies.split(";")) {
    const separator = part.indexOf("=");
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() === CSRF_COOKIE)
      return decodeURIComponent(part.slice(separator + 1).trim());
  }
  return undefined;
};

/** Whether a request with this method changes something, and so must carry the CSRF header. */
export const needsCsrf = (method: string): boolean => !SAFE_METHODS.has(method.toUpperCase());
