/**
 * The HTML pages of the embedded dev issuer: the sign-in form, the sign-out page and plain
 * message pages. No script except the sign-out page's auto-submit (allowed by a nonce), no
 * external resource; every text is escaped.
 */

export const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (character) =>
      ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[character] ?? character,
  );

/**
 * Headers of every page: not cached, not framed (no clickjacking of the form), no script unless
 * a nonce allows it. No `form-action`: browsers apply it to the redirects after a post too, and
 * the sign-in ends with a redirect to the app's callback, which may be on another origin.
 */
export const pageHeaders = (scriptNonce?: string): Readonly<Record<string, string>> => ({
  "Content-Type": "text/html; charset=utf-8",
  "Cache-Control": "no-store",
  "Content-Security-Policy": [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    scriptNonce === undefined ? "script-src 'none'" : `script-src 'nonce-${scriptNonce}'`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; "),
  "X-Frame-Options": "DENY",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
});

const STYLE = `body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.4rem;box-sizing:border-box}
button{margin-top:1rem;padding:.5rem 1rem}.error{color:#a00;font-weight:600}.note{color:#666;font-size:.85rem}`;

const document = (title: string, body: string): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;

export interface LoginPageContent {
  /** Where the form posts (an absolute path under the mount path). */
  readonly action: string;
  /** Prefilled email: the last attempt's, or the request's `login_hint`. */
  readonly login: string;
  readonly error?: string | undefined;
  /** The client asking, as its configuration names it. */
  readonly clientName?: string | undefined;
}

/** The sign-in form: inputs `login` (the email) and `password`, posted to `action`. */
export const loginPage = ({ action, login, error, clientName }: LoginPageContent): string =>
  document(
    "Sign in (local development)",
    `<main>
<h1>Sign in</h1>
<p class="note">Local development sign-in${clientName === undefined ? "" : ` to ${escapeHtml(clientName)}`}. Accounts live in the users file of the data folder (<code>users.json</code>); <code>ovs user add</code> adds one or sets a new password.</p>
${error === undefined ? "" : `<p class="error" role="alert">${escapeHtml(error)}</p>\n`}<form method="post" action="${escapeHtml(action)}">
<label for="login">Email</label>
<input id="login" name="login" type="email" autocomplete="username" required value="${escapeHtml(login)}"${login === "" ? " autofocus" : ""}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${login === "" ? "" : " autofocus"}>
<button type="submit">Sign in</button>
</form>
</main>`,
  );

/** A page with one message (an expired sign-in, an unreadable users file, a provider error). */
export const messagePage = (title: string, lines: ReadonlyArray<string>): string =>
  document(
    title,
    `<main>
<h1>${escapeHtml(title)}</h1>
${lines.map((line) => `<p>${escapeHtml(line)}</p>`).join("\n")}
</main>`,
  );

/**
 * The sign-out page around oidc-provider's confirmation form (`form`, its own safe HTML). The
 * form is given `logout=yes`. With `autoSubmitNonce` (the request had a valid `id_token_hint`,
 * which is when Keycloak skips its confirmation too) a script submits it at once; otherwise, or
 * without script, one button does.
 */
export const logoutPage = (form: string, autoSubmitNonce: string | undefined): string =>
  document(
    "Sign out (local development)",
    `<main>
<h1>Sign out</h1>
<p class="note">Local development sign-in.</p>
${form.replace("</form>", '<input type="hidden" name="logout" value="yes"/></form>')}
<button type="submit" form="op.logoutForm" autofocus>Sign out</button>
${
  autoSubmitNonce === undefined
    ? ""
    : `<script nonce="${escapeHtml(autoSubmitNonce)}">document.getElementById("op.logoutForm").submit();</script>\n`
}</main>`,
  );
