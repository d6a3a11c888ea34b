import type { CollectionKey, VideoKey } from "../model/keys.js";
import { hexKey } from "../model/keys.js";
import type { VideoStatus } from "../model/video.js";

/**
 * Status emails (reference/upstream-pipelines.md §6, upstream `mail/constants.py`,
 * `mail/tasks.py`, `mail/api.py`). Which status change mails whom, with which words, and the
 * outbox key that keeps a redelivered event from mailing twice (ARCHITECTURE.md §6.3).
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
  /** `<base>/collections/<hex>/` */
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
    collectionUrl: `${base}/collections/${hexKey(input.collection.key)}/`,
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

/** Escapes text for HTML element content and quoted attribute values alike (ARCHITECTURE.md §6.9). */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);

/** One run of a paragraph: literal words, or a link whose text and address are both interpolated. */
type Piece = string | { readonly text: string; readonly href: string };

const link = (text: string, href: string): Piece => ({ text, href });
const quoted = (text: string): string => `"${text}"`;

/** The body of each template as paragraphs, so the text and HTML parts never drift apart. */
const paragraphs = (
  template: NotificationTemplate,
  context: NotificationContext,
): ReadonlyArray<ReadonlyArray<Piece>> => {
  const video = quoted(context.videoTitle);
  const collection = quoted(context.collectionTitle);
  const support = link(context.supportEmail, `mailto:${context.supportEmail}`);
  switch (template) {
    case "success":
      return [
        ["Hello,"],
        ["Your video ", video, " has been processed and is ready to watch in collection ", collection, "."],
        ["Watch it here: ", link(context.videoUrl, context.videoUrl)],
        ["See the collection here: ", link(context.collectionUrl, context.collectionUrl)],
      ];
    case "invalid_format_error":
      return [
        ["Hello,"],
        [
          "We could not post your video ",
          video,
          " to collection ",
          collection,
          ": the file you uploaded could not be processed as a video. It may be damaged, or in a format we do not support.",
        ],
        [
          "Please check that the file plays on your computer, export it again in a common format such as MP4 if needed, and upload it to the collection again: ",
          link(context.collectionUrl, context.collectionUrl),
        ],
        ["If the problem persists, write to ", support, "."],
      ];
    case "other_error":
      return [
        ["Hello,"],
        [
          "We are sorry: something went wrong on our side while posting your video ",
          video,
          " to collection ",
          collection,
          ". Our support team has been notified.",
        ],
        ["You can see the video's status here: ", link(context.videoUrl, context.videoUrl)],
        ["Please try again later. If the problem persists, write to ", support, "."],
      ];
  }
};

const textOf = (piece: Piece): string =>
  typeof piece === "string"
    ? piece
    : piece.href === piece.text || piece.href === `mailto:${piece.text}`
      ? piece.text
      : `${piece.text} (${piece.href})`;

const htmlOf = (piece: Piece): string =>
  typeof piece === "string"
    ? escapeHtml(piece)
    : `<a href="${escapeHtml(piece.href)}">${escapeHtml(piece.text)}</a>`;

/**
 * Subject, plain-text and HTML body of a status email. Every interpolated value is escaped in
 * the HTML part; the text part is what a mail client shows when it does not render HTML.
 */
export const renderNotification = (
  template: NotificationTemplate,
  context: NotificationContext,
): RenderedEmail => {
  const body = paragraphs(template, context);
  const subject = notificationSubject(template, context);
  const text = `${body.map((paragraph) => paragraph.map(textOf).join("")).join("\n\n")}\n`;
  const html = [
    "<!DOCTYPE html>",
    "<html>",
    "<head>",
    '<meta charset="utf-8">',
    `<title>${escapeHtml(subject)}</title>`,
    "</head>",
    "<body>",
    ...body.map((paragraph) => `<p>${paragraph.map(htmlOf).join("")}</p>`),
    "</body>",
    "</html>",
    "",
  ].join("\n");
  return { subject, text, html };
};

/**
 * The plain-text copy support gets for the failures flagged `supportDebugCopy`: enough to find
 * the video and see who was told what.
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
    `Video: ${input.video.title} (key ${hexKey(input.video.key)})`,
    ...(input.videoUrl === undefined ? [] : [`Video URL: ${input.videoUrl}`]),
    `Status: ${input.video.status}`,
    `Collection: ${input.collection.title} (key ${hexKey(input.collection.key)})`,
    `Owner: ${input.owner.username} <${input.owner.email}>`,
    `Recipients: ${input.recipients.length === 0 ? "(none)" : input.recipients.join(", ")}`,
    `Subject: ${input.email.subject}`,
    "",
    "Text body:",
    "",
    input.email.text,
  ];
  return { subject: supportDebugSubject(input.email.subject), text: `${lines.join("\n").trimEnd()}\n` };
};
