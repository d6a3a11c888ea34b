import Router from "@koa/router";
import type { DeliveredMail } from "@ovs/adapters-local";

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

const page = (mails: ReadonlyArray<DeliveredMail>): string => {
  const items = mails
    .map(
      (mail) => `<article>
  <h2>${escapeHtml(mail.subject)}</h2>
  <p><small>${escapeHtml(mail.sentAt)} · from ${escapeHtml(mail.from)} · to ${escapeHtml(mail.to)}</small></p>
  <pre>${escapeHtml(mail.text)}</pre>
</article>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Mail sent by OVS (local)</title></head>
<body>
<h1>Mail sent by OVS</h1>
<p>The local profile sends no mail: every message is kept here, newest first.</p>
${mails.length === 0 ? "<p>Nothing sent yet.</p>" : items}
</body>
</html>`;
};

/**
 * `/dev/mail`: what the `local` profile would have mailed, as a page, or as JSON for
 * `Accept: application/json` (tests and scripts read it that way). Only the local profile mounts it.
 */
export const devMailRoutes = (mailbox: { delivered(): Promise<ReadonlyArray<DeliveredMail>> }) => {
  const router = new Router();
  router.get("/dev/mail", async (ctx) => {
    const mails = await mailbox.delivered();
    ctx.set("Cache-Control", "no-store");
    if (ctx.accepts("html", "json") === "json") {
      ctx.body = { count: mails.length, results: mails };
      return;
    }
    ctx.type = "html";
    ctx.body = page(mails);
  });
  return router;
};
