import type { CollectionKey, VideoKey } from "../model/keys.js";
import { hexKey } from "../model/keys.js";
import type { VideoStatus } from "../model/video.js";

/**
 * Status emails (upstream `mail/constants.py`, `mail/tasks.py`, `mail/api.py`). Which status
 * change mails whom, with which words, and the outbox key that keeps a redelivered event from
 * mailing twice.
 */

/** Upstream template directories; the names are kept so operators recognise them. */
export type NotificationTemplate = "success" | "invalid_format_error" | "other_error";

export interface StatusTransition {
  /** Null when the video had no status before (a freshly created row). */
  readonly from: VideoStatus | null;
  readonly to: VideoStatus;
}

export interface NotificationTitles {
  readonly videoTitle: string;
  readonly collectionTitle: string;
}

export interface Notification {
  readonly template: NotificationTemplate;
  readonly subject: string;
  /** Whether support also gets a plain-text `DEBUG:` copy to investigate the failure. */
  readonly supportDebugCopy: boolean;
}

/**
 * Upstream `STATUS_TO_NOTIFICATION` and `STATUSES_THAT_TRIGGER_DEBUG_EMAIL`. `Retranscode failed
 * error` stays silent as upstream: the previous outputs are still live, so the viewer-facing
 * video is unaffected.
 */
const NOTIFICATIONS: Partial<
  Readonly<
    Record<VideoStatus, { readonly template: NotificationTemplate; readonly supportDebugCopy: boolean }>
  >
> = {
  Complete: { template: "success", supportDebugCopy: false },
  "Transcode failed internal error": { template: "other_error", supportDebugCopy: true },
  "Transcode failed video error": { template: "invalid_format_error", supportDebugCopy: false },
  "Upload failed": { template: "other_error", supportDebugCopy: true },
};

/**
 * Titles end up in a mail header: line breaks would split the header (or inject new ones), so
 * every run of whitespace that contains one becomes a single space. Upstream right-strips the
 * rendered subject; we trim both ends.
 */
const singleLine = (text: string): string => text.replace(/\s*[\r\n]+\s*/g, " ").trim();

/**
 * The subject of a template. Plain text, not HTML-escaped: upstream ran `subject.txt` through
 * Django's autoescaping and mailed `Tom &amp; Jerry`, which is a bug, not a contract.
 */
export const notificationSubject = (template: NotificationTemplate, titles: NotificationTitles): string =>
  singleLine(
    template === "success"
      ? `Video "${titles.videoTitle}" is ready in collection "${titles.collectionTitle}"`
      : `Error posting your video "${titles.videoTitle}"`,
  );

/** The subject of the copy support gets for a failure. */
export const supportDebugSubject = (subject: string): string => `DEBUG:${subject}`;

/**
 * What a status change mails, or null. Only a real change notifies: writing the same status
 * again (a replayed event, a retried job) sends nothing.
 */
export const notificationTemplateFor = (
  transition: StatusTransition,
): Omit<Notification, "subject"> | null => {
  if (transition.from === transition.to) return null;
  return NOTIFICATIONS[transition.to] ?? null;
};

/** The same decision with its subject, for callers that know the titles. */
export const notificationFor = (
  transition: StatusTransition,
  titles: NotificationTitles,
): Notification | null => {
  const rule = notificationTemplateFor(transition);
  return rule === null ? null : { ...rule, subject: notificationSubject(rule.template, titles) };
};

// ---------------------------------------------------------------------------------------------
// Recipients
// ---------------------------------------------------------------------------------------------

export interface NotificationOwner {
  readonly email: string;
  /** The owner's group names (leaves of the Keycloak group paths). */
  readonly groups: Iterable<string>;
}

export interface NotificationAdminGroup {
  readonly name: string;
  readonly members: ReadonlyArray<{ readonly email: string }>;
  /** The group's `mail_list` attribute. */
  readonly isMailList: boolean;
}

/**
 * Who gets a status email (upstream `_get_recipients_for_video`): the members of the
 * collection's admin groups that are flagged as mail lists, and the owner unless the owner
 * belongs to one of the admin groups that has members (upstream assumes such a group already
 * speaks for the owner, even when it is not a mail list). Addresses are trimmed, blanks dropped
 * and duplicates removed ignoring case, keeping the first spelling; group members come first,
 * in group order, then the owner.
 */
export const notificationRecipients = (input: {
  readonly owner: NotificationOwner;
  readonly adminGroups: ReadonlyArray<NotificationAdminGroup>;
}): ReadonlyArray<string> => {
  const recipients = new Map<string, string>();
  const add = (email: string): void => {
    const trimmed = email.trim();
    if (trimmed.length === 0) return;
    const identity = trimmed.toLowerCase();
    if (!recipients.has(identity)) recipients.set(identity, trimmed);
  };

  const groupsWithMembers = new Set<string>();
  for (const group of input.adminGroups) {
    if (group.members.length === 0) continue;
    groupsWithMembers.add(group.name);
    if (group.isMailList) for (const member of group.members) add(member.email);
  }

  const ownerSpokenFor = [...input.owner.groups].some((group) => groupsWithMembers.has(group));
  if (!ownerSpokenFor) add(input.owner.email);
  return [...recipients.values()];
};

// ---------------------------------------------------------------------------------------------
// Outbox key
// ---------------------------------------------------------------------------------------------

/**
 * What makes one status change a distinct event. The same (video, from, to) legitimately
 * happens more than once: a video completes, is retranscoded and completes again, and both
 * completions must mail. So the key carries the occurrence, chosen by the writer of the status:
 *
 * - `EncodeJob`: the transcoder job id, for every outcome of a transcode or retranscode
 *   (Complete, Transcode failed video error, a lost job's internal error). A redelivered webhook
 *   or a reconciliation poll that finds the same job yields the same key.
 * - `StatusChangedAt`: the time the compare-and-set wrote the new status, for changes without a
 *   job (Upload failed, a submission that failed before the transcoder returned an id). Only the
 *   writer whose compare-and-set won enqueues, so a retry reads the stored time back instead of
 *   taking a new one.
 */
export type NotificationOccurrence =
  | { readonly _tag: "EncodeJob"; readonly jobId: string }
  | { readonly _tag: "StatusChangedAt"; readonly at: Date };

const occurrenceMarker = (occurrence: NotificationOccurrence): string =>
  occurrence._tag === "EncodeJob" ? `job:${occurrence.jobId}` : `at:${occurrence.at.toISOString()}`;

/**
 * A stable outbox key `notification|<video hex>|<from>-><to>|<occurrence>`: the outbox stores
 * each key once, so enqueuing the same event twice sends one email. A video without a previous
 * status shows `none` as `from`.
 */
export const notificationOutboxKey = (
  videoKey: VideoKey,
  transition: StatusTransition,
  occurrence: NotificationOccurrence,
): string =>
  [
    "notification",
    hexKey(videoKey),
    `${transition.from ?? "none"}->${transition.to}`,
    occurrenceMarker(occurrence),
  ].join("|");

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

/** Upstream `context_for_video`, with camel-case names. */
export interface NotificationContext {
  /** `<base>/videos/<hex>/` */
  readonly videoUrl: string;
  /** `<base>/collections/<hex>`, without a trailing slash, as upstream reverses its route. */
  readonly collectionUrl: string;
  readonly videoTitle: string;
  readonly collectionTitle: string;
  readonly supportEmail: string;
}

/** Builds the context from the site's base URL (`ODL_VIDEO_BASE_URL`); a trailing slash is ignored. */
export const notificationContext = (input: {
  readonly baseUrl: string;
  readonly video: { readonly key: VideoKey; readonly title: string };
  readonly collection: { readonly key: CollectionKey; readonly title: string };
  readonly supportEmail: string;
}): NotificationContext => {
  const base = input.baseUrl.replace(/\/+$/, "");
  return {
    videoUrl: `${base}/videos/${hexKey(input.video.key)}/`,
    collectionUrl: `${base}/collections/${hexKey(input.collection.key)}`,
    videoTitle: input.video.title,
    collectionTitle: input.collection.title,
    supportEmail: input.supportEmail,
  };
};

export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#x27;",
};

/** Escapes text for HTML element content and quoted attribute values alike. */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);

/** A run of words, or a link whose text and address are both interpolated. */
type Inline = string | { readonly text: string; readonly href: string };
type Line = ReadonlyArray<Inline>;

/** A paragraph of lines, or the call-to-action button. */
type Block =
  | { readonly _tag: "Paragraph"; readonly lines: ReadonlyArray<Line> }
  | { readonly _tag: "Button"; readonly text: string; readonly href: string };

const paragraph = (...lines: ReadonlyArray<Line | string>): Block => ({
  _tag: "Paragraph",
  lines: lines.map((line) => (typeof line === "string" ? [line] : line)),
});
const link = (text: string, href: string): Inline => ({ text, href });

/** Upstream's wording, apostrophe included. */
const LINES = {
  successGreeting: "Hello, your video has finished processing and is ready!",
  apology: "We\u2019re sorry, there was a problem processing your video",
  engineeringNotified: "Someone on the engineering team has been notified and will contact you shortly.",
  checkTheFile: "Please check if the file you uploaded is an actual video and you can play it.",
  contactSupport: "If you think it should work, please contact us at ",
  viewYourVideo: "View Your Video",
  thanks: "Thank you,",
  signature: "Open Learning Video Service",
  signOff: "--",
} as const;

/** The body of each template as blocks, so the text and HTML parts never drift apart. */
const blocks = (template: NotificationTemplate, context: NotificationContext): ReadonlyArray<Block> => {
  const links = paragraph(
    ["Video: ", link(context.videoTitle, context.videoUrl)],
    ["Collection: ", link(context.collectionTitle, context.collectionUrl)],
  );
  const closing = [paragraph(LINES.thanks, LINES.signature), paragraph(LINES.signOff)];
  switch (template) {
    case "success":
      return [
        paragraph(LINES.successGreeting),
        links,
        { _tag: "Button", text: LINES.viewYourVideo, href: context.videoUrl },
        ...closing,
      ];
    case "invalid_format_error":
      return [
        paragraph(LINES.apology),
        links,
        paragraph(LINES.checkTheFile, [
          LINES.contactSupport,
          link(context.supportEmail, `mailto:${context.supportEmail}`),
        ]),
        ...closing,
      ];
    case "other_error":
      return [paragraph(LINES.apology), links, paragraph(LINES.engineeringNotified), ...closing];
  }
};

/** A link shows its address after its text, unless the text is the address already. */
const inlineText = (inline: Inline): string =>
  typeof inline === "string"
    ? inline
    : inline.href === inline.text || inline.href === `mailto:${inline.text}`
      ? inline.text
      : `${inline.text} (${inline.href})`;

const inlineHtml = (inline: Inline): string =>
  typeof inline === "string"
    ? escapeHtml(inline)
    : `<a href="${escapeHtml(inline.href)}">${escapeHtml(inline.text)}</a>`;

const blockText = (block: Block): string =>
  block._tag === "Button"
    ? inlineText(link(block.text, block.href))
    : block.lines.map((line) => line.map(inlineText).join("")).join("\n");

const BUTTON_STYLE = [
  "display:inline-block",
  "padding:12px 24px",
  "background-color:#a31f34",
  "color:#ffffff",
  "font-weight:bold",
  "text-decoration:none",
  "border-radius:4px",
].join(";");

const blockHtml = (block: Block): string =>
  block._tag === "Button"
    ? `<p><a class="button" href="${escapeHtml(block.href)}" style="${BUTTON_STYLE}">${escapeHtml(block.text)}</a></p>`
    : `<p>${block.lines.map((line) => line.map(inlineHtml).join("")).join("<br />\n")}</p>`;

/**
 * Subject, plain-text and HTML body of a status email. The HTML is titled with the video's
 * title and every interpolated value in it is escaped; the text part is what a mail client
 * shows when it does not render HTML.
 */
export const renderNotification = (
  template: NotificationTemplate,
  context: NotificationContext,
): RenderedEmail => {
  const body = blocks(template, context);
  const subject = notificationSubject(template, context);
  const text = `${body.map(blockText).join("\n\n")}\n`;
  const html = [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(context.videoTitle)}</title>`,
    "</head>",
    '<body style="font-family:Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:#222222">',
    ...body.map(blockHtml),
    "</body>",
    "</html>",
    "",
  ].join("\n");
  return { subject, text, html };
};

/**
 * The plain-text copy support gets for the failures flagged `supportDebugCopy`, in upstream's
 * sections: the video, its collection and owner, then exactly what the people told about it
 * received (recipients, subject, text body). Keys, status and link are added to find the video.
 */
export const renderSupportDebugEmail = (input: {
  readonly video: { readonly key: VideoKey; readonly title: string; readonly status: VideoStatus };
  readonly collection: { readonly key: CollectionKey; readonly title: string };
  readonly owner: { readonly username: string; readonly email: string };
  readonly recipients: ReadonlyArray<string>;
  readonly email: Pick<RenderedEmail, "subject" | "text">;
  readonly videoUrl?: string;
}): { readonly subject: string; readonly text: string } => {
  const lines = [
    "--- DEBUG INFO ---",
    `Video: ${input.video.title} (key ${hexKey(input.video.key)})`,
    ...(input.videoUrl === undefined ? [] : [`Video URL: ${input.videoUrl}`]),
    `Status: ${input.video.status}`,
    `Collection: ${input.collection.title} (key ${hexKey(input.collection.key)})`,
    `Owner: ${input.owner.username}${input.owner.email === "" ? "" : ` <${input.owner.email}>`}`,
    "",
    "--- DEBUG INFO FOR EMAIL SENT TO USER(S) ---",
    "",
    "<RECIPIENT(S)>:",
    ...(input.recipients.length === 0 ? ["(none)"] : input.recipients),
    "</RECIPIENT(S)>:",
    "",
    "<SUBJECT>",
    input.email.subject,
    "</SUBJECT>",
    "",
    "<BODY>",
    input.email.text.trimEnd(),
    "</BODY>",
  ];
  return { subject: supportDebugSubject(input.email.subject), text: `${lines.join("\n")}\n` };
};
