import { FormBrowser, parseForm } from "../../../../adapters-local/test/support/form-browser.js";
import { CSRF_COOKIE_NAME } from "../../../src/auth/index.js";

/**
 * The app's side of a browser: one cookie jar for the app's origin (session, CSRF token, sign-in
 * state), no redirect followed, and the CSRF header copied from the cookie on request. The
 * issuer's pages under `/dev/oidc` go through a `FormBrowser`, whose cookies are the issuer's.
 */
export class AppBrowser {
  private readonly jar = new Map<string, string>();

  constructor(readonly base: string) {}

  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  async request(
    pathOrUrl: string,
    init: {
      readonly method?: string;
      readonly headers?: Record<string, string>;
      readonly body?: RequestInit["body"];
      readonly csrf?: boolean;
    } = {},
  ): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.jar.size > 0) {
      headers.set("cookie", [...this.jar].map(([name, value]) => `${name}=${value}`).join("; "));
    }
    if (init.csrf === true) headers.set("X-CSRFToken", this.jar.get(CSRF_COOKIE_NAME) ?? "");
    const response = await fetch(new URL(pathOrUrl, this.base), {
      method: init.method ?? "GET",
      redirect: "manual",
      headers,
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair = ""] = header.split(";");
      const separator = pair.indexOf("=");
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      const expired = /expires=Thu, 01 Jan 1970/i.test(header) || /max-age=0(;|$)/i.test(header);
      if (expired || value === "") this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return response;
  }

  /** JSON in, JSON out, with the CSRF header. */
  async json(
    path: string,
    method: string,
    body: unknown,
  ): Promise<{ readonly status: number; readonly body: unknown }> {
    const response = await this.request(path, {
      method,
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      csrf: true,
    });
    return { status: response.status, body: (await response.json()) as unknown };
  }
}

/** The dev accounts' passwords, by email, from the start banner (printed once, on the first start). */
export const devPasswordsFrom = (banner: string): ReadonlyMap<string, string> =>
  new Map(
    [...banner.matchAll(/^ {4}(superuser|staff|viewer) +(\S+@\S+) +(\S+)$/gm)].map((match) => [
      match[2] ?? "",
      match[3] ?? "",
    ]),
  );

/**
 * Signs `email` in through the embedded issuer's form, as a person at a browser does, and answers
 * the app's side of that browser (session and CSRF cookies set).
 */
export const signInThroughIssuer = async (
  base: string,
  email: string,
  password: string,
): Promise<AppBrowser> => {
  const browser = new AppBrowser(base);
  const isCallback = (url: string) => new URL(url).pathname === "/auth/complete/keycloak/";
  const login = await browser.request("/login/?next=/");
  const issuer = new FormBrowser();
  const page = await issuer.follow(login.headers.get("location") ?? "", { stopAt: isCallback });
  const form = parseForm((await page.response?.text()) ?? "");
  if (form === undefined) throw new Error("the issuer showed no sign-in form");
  const signedIn = await issuer.submit(page.url, form, { login: email, password }, isCallback);
  if (signedIn.response !== undefined) throw new Error(`the issuer did not sign ${email} in`);
  const completed = await browser.request(signedIn.url);
  if (completed.status !== 302) throw new Error(`the sign-in callback answered ${String(completed.status)}`);
  return browser;
};
