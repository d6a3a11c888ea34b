import { describe, expect, it } from "vitest";
import type { CollectionKey, VideoKey } from "../model/keys.js";
import { VIDEO_STATUSES } from "../model/video.js";
import type { VideoStatus } from "../model/video.js";
import { aCollection, aVideo } from "../testing/builders.js";
import {
  escapeHtml,
  notificationContext,
  notificationFor,
  notificationOutboxKey,
  notificationRecipients,
  renderNotification,
  renderSupportDebugEmail,
} from "./notifications.js";
import type { NotificationContext, NotificationTemplate } from "./notifications.js";

const titles = { videoTitle: "Lecture 1", collectionTitle: "18.06 Linear Algebra" };
const VIDEO_KEY = "3f2a9c1e-8b7d-4e6f-9a01-23456789abcd" as VideoKey;
const COLLECTION_KEY = "ab12cd34-ef56-4890-a234-567890abcdef" as CollectionKey;

describe("notificationFor — upstream STATUS_TO_NOTIFICATION and the debug copy", () => {
  it.each<[VideoStatus, VideoStatus, NotificationTemplate, string, boolean]>([
    [
      "Transcoding",
      "Complete",
      "success",
      'Video "Lecture 1" is ready in collection "18.06 Linear Algebra"',
      false,
    ],
    [
      "Retranscoding",
      "Complete",
      "success",
      'Video "Lecture 1" is ready in collection "18.06 Linear Algebra"',
      false,
    ],
    [
      "Uploading",
      "Transcode failed internal error",
      "other_error",
      'Error posting your video "Lecture 1"',
      true,
    ],
    [
      "Transcoding",
      "Transcode failed video error",
      "invalid_format_error",
      'Error posting your video "Lecture 1"',
      false,
    ],
    ["Uploading", "Upload failed", "other_error", 'Error posting your video "Lecture 1"', true],
  ])("%s → %s mails %s", (from, to, template, subject, supportDebugCopy) => {
    expect(notificationFor({ from, to }, titles)).toEqual({ template, subject, supportDebugCopy });
  });

  it.each<VideoStatus>([
    "Created",
    "Uploading",
    "Transcoding",
    "Retranscode scheduled",
    "Retranscoding",
    "Retranscode failed error",
    "Error",
  ])("sends nothing on entering %s", (to) => {
    expect(notificationFor({ from: "Transcoding", to }, titles)).toBeNull();
    expect(notificationFor({ from: null, to }, titles)).toBeNull();
  });

  it.each(VIDEO_STATUSES)("sends nothing when %s is written again", (status) => {
    expect(notificationFor({ from: status, to: status }, titles)).toBeNull();
  });

  it("notifies a first status written on a row without one", () => {
    expect(notificationFor({ from: null, to: "Upload failed" }, titles)?.template).toBe("other_error");
  });

  it("keeps the subject on one line whatever the titles hold", () => {
    const subject = notificationFor(
      { from: "Transcoding", to: "Complete" },
      { videoTitle: "Part 1\r\nBcc: someone@example.com", collectionTitle: "  Physics \n" },
    )?.subject;
    expect(subject).toBe('Video "Part 1 Bcc: someone@example.com" is ready in collection "  Physics "');
    expect(subject).not.toMatch(/[\r\n]/);
  });

  it("does not HTML-escape the subject, which is a plain-text header", () => {
    expect(
      notificationFor(
        { from: "Transcoding", to: "Complete" },
        { videoTitle: "Q&A <live>", collectionTitle: "C" },
      )?.subject,
    ).toBe('Video "Q&A <live>" is ready in collection "C"');
  });
});

describe("notificationRecipients — upstream _get_recipients_for_video", () => {
  const member = (email: string) => ({ email });

  it("mails the members of mail-list admin groups and the owner who is in none of them", () => {
    expect(
      notificationRecipients({
        owner: { email: "owner@mit.edu", groups: ["somewhere-else"] },
        adminGroups: [
          { name: "editors", members: [member("a@mit.edu"), member("b@mit.edu")], isMailList: true },
          { name: "quiet", members: [member("c@mit.edu")], isMailList: false },
        ],
      }),
    ).toEqual(["a@mit.edu", "b@mit.edu", "owner@mit.edu"]);
  });

  it("leaves the owner out when the owner belongs to an admin group with members", () => {
    expect(
      notificationRecipients({
        owner: { email: "owner@mit.edu", groups: new Set(["editors"]) },
        adminGroups: [{ name: "editors", members: [member("a@mit.edu")], isMailList: true }],
      }),
    ).toEqual(["a@mit.edu"]);
  });

  it("leaves the owner out even when that group is not a mail list (upstream rule)", () => {
    expect(
      notificationRecipients({
        owner: { email: "owner@mit.edu", groups: ["quiet"] },
        adminGroups: [{ name: "quiet", members: [member("c@mit.edu")], isMailList: false }],
      }),
    ).toEqual([]);
  });

  it("mails the owner who belongs only to an admin group without members", () => {
    expect(
      notificationRecipients({
        owner: { email: "owner@mit.edu", groups: ["empty"] },
        adminGroups: [{ name: "empty", members: [], isMailList: true }],
      }),
    ).toEqual(["owner@mit.edu"]);
  });

  it("drops blank addresses and duplicates, ignoring case and surrounding spaces", () => {
    expect(
      notificationRecipients({
        owner: { email: " A@mit.edu ", groups: [] },
        adminGroups: [
          { name: "one", members: [member("a@mit.edu"), member(""), member("  ")], isMailList: true },
          { name: "two", members: [member("A@MIT.EDU"), member("b@mit.edu")], isMailList: true },
        ],
      }),
    ).toEqual(["a@mit.edu", "b@mit.edu"]);
  });

  it("has nobody to mail when the owner has no address and no group mails", () => {
    expect(notificationRecipients({ owner: { email: "", groups: [] }, adminGroups: [] })).toEqual([]);
  });
});

describe("notificationOutboxKey", () => {
  const complete = { from: "Transcoding", to: "Complete" } as const;

  it("is stable for the same event, so a redelivered event is stored once", () => {
    const first = notificationOutboxKey(VIDEO_KEY, complete, {
      _tag: "EncodeJob",
      jobId: "1700000000000-abc",
    });
    const again = notificationOutboxKey(VIDEO_KEY, complete, {
      _tag: "EncodeJob",
      jobId: "1700000000000-abc",
    });
    expect(first).toBe(again);
    expect(first).toBe(
      "notification|3f2a9c1e8b7d4e6f9a0123456789abcd|Transcoding->Complete|job:1700000000000-abc",
    );
  });

  it("tells a second completion after a retranscode from the first", () => {
    const first = notificationOutboxKey(VIDEO_KEY, complete, { _tag: "EncodeJob", jobId: "job-1" });
    const second = notificationOutboxKey(
      VIDEO_KEY,
      { from: "Retranscoding", to: "Complete" },
      { _tag: "EncodeJob", jobId: "job-2" },
    );
    const sameTransitionOtherJob = notificationOutboxKey(VIDEO_KEY, complete, {
      _tag: "EncodeJob",
      jobId: "job-2",
    });
    expect(new Set([first, second, sameTransitionOtherJob]).size).toBe(3);
  });

  it("uses the status-change time for changes without a transcode job", () => {
    const at = new Date("2026-01-15T12:00:00.123Z");
    expect(
      notificationOutboxKey(
        VIDEO_KEY,
        { from: "Uploading", to: "Upload failed" },
        { _tag: "StatusChangedAt", at },
      ),
    ).toBe(
      "notification|3f2a9c1e8b7d4e6f9a0123456789abcd|Uploading->Upload failed|at:2026-01-15T12:00:00.123Z",
    );
    expect(
      notificationOutboxKey(VIDEO_KEY, { from: null, to: "Upload failed" }, { _tag: "StatusChangedAt", at }),
    ).toContain("|none->Upload failed|");
  });

  it("differs between videos", () => {
    const occurrence = { _tag: "EncodeJob", jobId: "job-1" } as const;
    expect(notificationOutboxKey(aVideo().build().key, complete, occurrence)).not.toBe(
      notificationOutboxKey(aVideo().build().key, complete, occurrence),
    );
  });
});

describe("notificationContext — upstream context_for_video", () => {
  it("links the video page by hex key with a trailing slash, and the collection page without one", () => {
    const video = aVideo().titled("Lecture 1").build();
    const collection = aCollection().titled("Physics").build();
    const context = notificationContext({
      baseUrl: "https://video.odl.mit.edu/",
      video,
      collection,
      supportEmail: "support@example.edu",
    });
    expect(context).toEqual({
      videoUrl: `https://video.odl.mit.edu/videos/${video.key.replaceAll("-", "")}/`,
      collectionUrl: `https://video.odl.mit.edu/collections/${collection.key.replaceAll("-", "")}`,
      videoTitle: "Lecture 1",
      collectionTitle: "Physics",
      supportEmail: "support@example.edu",
    });
  });
});

describe("renderNotification — upstream's templates", () => {
  const context: NotificationContext = notificationContext({
    baseUrl: "http://ovs.test:8089",
    video: { key: VIDEO_KEY, title: "Lecture 1: Intro" },
    collection: { key: COLLECTION_KEY, title: "1.00x Spring 2026" },
    supportEmail: "ovs-support@example.com",
  });
  const videoUrl = "http://ovs.test:8089/videos/3f2a9c1e8b7d4e6f9a0123456789abcd/";
  const collectionUrl = "http://ovs.test:8089/collections/ab12cd34ef564890a234567890abcdef";
  const APOLOGY = "We\u2019re sorry, there was a problem processing your video";
  const CLOSING_TEXT = "Thank you,\nOpen Learning Video Service\n\n--\n";
  const LINKS_TEXT = [
    `Video: Lecture 1: Intro (${videoUrl})`,
    `Collection: 1.00x Spring 2026 (${collectionUrl})`,
  ].join("\n");

  describe("success", () => {
    const email = renderNotification("success", context);

    it("greets, links the video and the collection, offers the View Your Video button and signs off", () => {
      expect(email.text).toBe(
        [
          "Hello, your video has finished processing and is ready!",
          "",
          LINKS_TEXT,
          "",
          `View Your Video (${videoUrl})`,
          "",
          CLOSING_TEXT,
        ].join("\n"),
      );
    });

    it("carries the same in its HTML, titled with the video's title", () => {
      expect(email.html).toContain("<title>Lecture 1: Intro</title>");
      expect(email.html).toContain("<p>Hello, your video has finished processing and is ready!</p>");
      expect(email.html).toContain(`Video: <a href="${videoUrl}">Lecture 1: Intro</a>`);
      expect(email.html).toContain(`Collection: <a href="${collectionUrl}">1.00x Spring 2026</a>`);
      expect(email.html).toMatch(new RegExp(`<a class="button" href="${videoUrl}"[^>]*>View Your Video</a>`));
      expect(email.html).toContain("<p>Thank you,<br />\nOpen Learning Video Service</p>");
      expect(email.html).toContain("<p>--</p>");
    });
  });

  describe("invalid_format_error", () => {
    const email = renderNotification("invalid_format_error", context);

    it("apologises, links the video and the collection, asks to check the file, names support and signs off", () => {
      expect(email.text).toBe(
        [
          APOLOGY,
          "",
          LINKS_TEXT,
          "",
          "Please check if the file you uploaded is an actual video and you can play it.",
          "If you think it should work, please contact us at ovs-support@example.com",
          "",
          CLOSING_TEXT,
        ].join("\n"),
      );
    });

    it("carries the same in its HTML, titled with the video's title", () => {
      expect(email.html).toContain("<title>Lecture 1: Intro</title>");
      expect(email.html).toContain(`<p>${APOLOGY}</p>`);
      expect(email.html).toContain(`Video: <a href="${videoUrl}">Lecture 1: Intro</a>`);
      expect(email.html).toContain(`Collection: <a href="${collectionUrl}">1.00x Spring 2026</a>`);
      expect(email.html).toContain(
        'please contact us at <a href="mailto:ovs-support@example.com">ovs-support@example.com</a>',
      );
      expect(email.html).toContain("<p>Thank you,<br />\nOpen Learning Video Service</p>");
      expect(email.html).toContain("<p>--</p>");
    });
  });

  describe("other_error", () => {
    const email = renderNotification("other_error", context);

    it("apologises, links the video and the collection, says engineering was told and signs off", () => {
      expect(email.text).toBe(
        [
          APOLOGY,
          "",
          LINKS_TEXT,
          "",
          "Someone on the engineering team has been notified and will contact you shortly.",
          "",
          CLOSING_TEXT,
        ].join("\n"),
      );
    });

    it("carries the same in its HTML, titled with the video's title", () => {
      expect(email.html).toContain("<title>Lecture 1: Intro</title>");
      expect(email.html).toContain(`<p>${APOLOGY}</p>`);
      expect(email.html).toContain(`Video: <a href="${videoUrl}">Lecture 1: Intro</a>`);
      expect(email.html).toContain(`Collection: <a href="${collectionUrl}">1.00x Spring 2026</a>`);
      expect(email.html).toContain(
        "<p>Someone on the engineering team has been notified and will contact you shortly.</p>",
      );
      expect(email.html).toContain("<p>Thank you,<br />\nOpen Learning Video Service</p>");
      expect(email.html).toContain("<p>--</p>");
    });
  });

  it.each<[NotificationTemplate, string]>([
    ["success", 'Video "Lecture 1: Intro" is ready in collection "1.00x Spring 2026"'],
    ["invalid_format_error", 'Error posting your video "Lecture 1: Intro"'],
    ["other_error", 'Error posting your video "Lecture 1: Intro"'],
  ])("gives %s upstream's subject", (template, subject) => {
    expect(renderNotification(template, context).subject).toBe(subject);
  });

  it.each<NotificationTemplate>(["success", "invalid_format_error", "other_error"])(
    "escapes every interpolated value in the HTML of %s",
    (template) => {
      const hostile: NotificationContext = {
        videoUrl: 'https://x.example/videos/"><script>alert(1)</script>',
        collectionUrl: "https://x.example/collections/?a=1&b=2",
        videoTitle: "<script>alert('video')</script>",
        collectionTitle: 'Tom & "Jerry" <b>',
        supportEmail: "help@example.edu<img src=x onerror=alert(1)>",
      };
      const { html, text } = renderNotification(template, hostile);
      expect(html).not.toContain("<script>");
      expect(html).not.toContain("<img");
      expect(html).not.toContain("<b>");
      expect(html).toContain("<title>&lt;script&gt;alert(&#x27;video&#x27;)&lt;/script&gt;</title>");
      expect(html).toContain(
        'href="https://x.example/videos/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"',
      );
      expect(html).toContain('href="https://x.example/collections/?a=1&amp;b=2"');
      expect(html).toContain('b=2">Tom &amp; &quot;Jerry&quot; &lt;b&gt;</a>');
      expect(text).toContain("<script>alert('video')</script>");
    },
  );

  it("escapes the support address in the invalid-format email", () => {
    const { html } = renderNotification("invalid_format_error", {
      ...context,
      supportEmail: "help@example.edu<img src=x onerror=alert(1)>",
    });
    expect(html).toContain("help@example.edu&lt;img src=x onerror=alert(1)&gt;</a>");
    expect(html).not.toContain("<img");
  });
});

describe("escapeHtml", () => {
  it("escapes the five characters that matter in content and attributes", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#x27;y&#x27;&gt;&amp;&lt;/a&gt;",
    );
  });
});

describe("renderSupportDebugEmail", () => {
  const email = renderNotification("other_error", {
    videoUrl: "https://v.example/videos/x/",
    collectionUrl: "https://v.example/collections/y",
    videoTitle: "Lecture 1",
    collectionTitle: "Physics",
    supportEmail: "support@example.edu",
  });

  it("has upstream's sections: the debug info, then the recipients, subject and body the users got", () => {
    const debug = renderSupportDebugEmail({
      video: { key: VIDEO_KEY, title: "Lecture 1", status: "Upload failed" },
      collection: { key: COLLECTION_KEY, title: "Physics" },
      owner: { username: "owner1", email: "owner@mit.edu" },
      recipients: ["a@mit.edu", "owner@mit.edu"],
      email,
      videoUrl: "https://v.example/videos/x/",
    });
    expect(debug.subject).toBe('DEBUG:Error posting your video "Lecture 1"');
    expect(debug.text).toBe(
      [
        "--- DEBUG INFO ---",
        "Video: Lecture 1 (key 3f2a9c1e8b7d4e6f9a0123456789abcd)",
        "Video URL: https://v.example/videos/x/",
        "Status: Upload failed",
        "Collection: Physics (key ab12cd34ef564890a234567890abcdef)",
        "Owner: owner1 <owner@mit.edu>",
        "",
        "--- DEBUG INFO FOR EMAIL SENT TO USER(S) ---",
        "",
        "<RECIPIENT(S)>:",
        "a@mit.edu",
        "owner@mit.edu",
        "</RECIPIENT(S)>:",
        "",
        "<SUBJECT>",
        'Error posting your video "Lecture 1"',
        "</SUBJECT>",
        "",
        "<BODY>",
        email.text.trimEnd(),
        "</BODY>",
        "",
      ].join("\n"),
    );
  });

  it("says when nobody was mailed, and leaves out what it does not know", () => {
    const debug = renderSupportDebugEmail({
      video: { key: VIDEO_KEY, title: "Lecture 1", status: "Transcode failed internal error" },
      collection: { key: COLLECTION_KEY, title: "Physics" },
      owner: { username: "owner", email: "" },
      recipients: [],
      email: { subject: "S", text: "T" },
    });
    expect(debug.text).toContain("<RECIPIENT(S)>:\n(none)\n</RECIPIENT(S)>:");
    expect(debug.text).toContain("Owner: owner\n");
    expect(debug.text).not.toContain("Video URL");
  });
});
