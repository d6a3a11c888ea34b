/**
 * A browser as far as the dev sign-in needs one: a cookie jar that honours cookie paths,
 * redirects followed by hand, and HTML forms read from the page and posted to their `action`.
 */

interface StoredCookie {
  readonly value: string;
  readonly path: string;
}

export interface ParsedForm {
  readonly action: string;
  readonly method: string;
  /** Every named `<input>` and its value (empty when it has none). */
  readonly inputs: ReadonlyMap<string, string>;
}

const decodeEntities = (text: string): string =>
  text.replace(/&(amp|lt|gt|quot|#39);/g, (_entity, name: string) =>
    name === "amp" ? "&" : name === "lt" ? "<" : name === "gt" ? ">" : name === "quot" ? '"' : "'",
  );

const attribute = (tag: string, name: string): string | undefined => {
  const match = new RegExp(`\\s${name}="([^"]*)"`, "i").exec(tag);
  return match?.[1] === undefined ? undefined : decodeEntities(match[1]);
};

/** The first `<form>` of a page and the inputs inside it; `undefined` when the page has none. */
export const parseForm = (html: string): ParsedForm | undefined => {
  const form = /<form\b[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (form === null) return undefined;
  const tag = /<form\b[^>]*>/i.exec(form[0])?.[0] ?? "";
  const inputs = new Map<string, string>();
  for (const input of (form[1] ?? "").matchAll(/<input\b[^>]*>/gi)) {
    const name = attribute(input[0], "name");
    if (name !== undefined) inputs.set(name, attribute(input[0], "value") ?? "");
  }
  return {
    action: attribute(tag, "action") ?? "",
    method: (attribute(tag, "method") ?? "get").toLowerCase(),
    inputs,
  };
};

const isRedirect = (status: number): boolean => [301, 302, 303, 307, 308].includes(status);

export class FormBrowser {
  private readonly jar = new Map<string, StoredCookie>();

  /** One request, no redirect followed; keeps the cookies it sets. */
  async send(
    url: string,
    init: { readonly method?: string; readonly form?: URLSearchParams } = {},
  ): Promise<Response> {
    const target = new URL(url);
    const cookie = [...this.jar]
      .filter(
        ([, stored]) =>
          target.pathname === stored.path ||
          target.pathname.startsWith(stored.path.endsWith("/") ? stored.path : `${stored.path}/`),
      )
      .map(([name, stored]) => `${name}=${stored.value}`)
      .join("; ");
    const response = await fetch(url, {
      method: init.method ?? (init.form === undefined ? "GET" : "POST"),
      redirect: "manual",
      headers: {
        ...(cookie === "" ? {} : { cookie }),
        ...(init.form === undefined ? {} : { "content-type": "application/x-www-form-urlencoded" }),
      },
      ...(init.form === undefined ? {} : { body: init.form.toString() }),
    });
    for (const header of response.headers.getSetCookie()) this.keep(header);
    return response;
  }

  /**
   * Sends, then follows redirects until a page that is not one, or until the location matches
   * `stopAt` (the app's callback, which this browser does not visit). Returns the last URL and
   * its response (`undefined` when stopped).
   */
  async follow(
    url: string,
    options: { readonly form?: URLSearchParams; readonly stopAt?: (url: string) => boolean } = {},
  ): Promise<{ readonly url: string; readonly response: Response | undefined }> {
    let current = url;
    let response = await this.send(current, options.form === undefined ? {} : { form: options.form });
    for (let hops = 0; hops < 20; hops += 1) {
      const location = response.headers.get("location");
      if (!isRedirect(response.status) || location === null) return { url: current, response };
      current = new URL(location, current).href;
      if (options.stopAt?.(current) === true) return { url: current, response: undefined };
      response = await this.send(current);
    }
    throw new Error(`too many redirects from ${url}`);
  }

  /** Posts a page's form to its action (relative to the page's URL), with `values` over its inputs. */
  async submit(
    pageUrl: string,
    form: ParsedForm,
    values: Readonly<Record<string, string>>,
    stopAt?: (url: string) => boolean,
  ): Promise<{ readonly url: string; readonly response: Response | undefined }> {
    const body = new URLSearchParams([...form.inputs]);
    for (const [name, value] of Object.entries(values)) body.set(name, value);
    return this.follow(new URL(form.action, pageUrl).href, {
      form: body,
      ...(stopAt === undefined ? {} : { stopAt }),
    });
  }

  cookieNames(): ReadonlyArray<string> {
    return [...this.jar.keys()];
  }

  private keep(header: string): void {
    const [pair = "", ...attributes] = header.split(";");
    const separator = pair.indexOf("=");
    const name = pair.slice(0, separator).trim();
    const value = pair.slice(separator + 1).trim();
    const pathAttribute = attributes.map((part) => part.trim()).find((part) => /^path=/i.test(part));
    const path = pathAttribute === undefined ? "/" : pathAttribute.slice("path=".length);
    const expired = attributes.some(
      (part) => /^\s*expires=Thu, 01 Jan 1970/i.test(part) || /^\s*max-age=0$/i.test(part),
    );
    if (expired || value === "") this.jar.delete(name);
    else this.jar.set(name, { value, path });
  }
}
