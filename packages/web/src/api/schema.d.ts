// Generated from the app's OpenAPI document by `pnpm --filter @ovs/web generate:api`; do not edit.
// test/api-schema.test.ts fails when this file no longer matches the document.

export interface paths {
    "/api/v0/collections/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List my collections
         * @description The collections the caller owns, administers or is on a view list of; all of them for superusers; none for anonymous callers. Text filters match case-insensitively.
         */
        get: operations["collectionsList"];
        put?: never;
        /**
         * Create a collection
         * @description Staff and superusers only. The owner is the caller unless `owner` names another user.
         */
        post: operations["collectionsCreate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v0/collections/{key}/edx_posts/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What became of the videos posted to edX
         * @description The last post of each video of the collection to each of its edX endpoints, in the collection's video order, then by endpoint name. Admins of the collection only.
         */
        get: operations["collectionsEdxPosts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v0/collections/{key}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a collection
         * @description With the videos the caller may view.
         */
        get: operations["collectionsRetrieve"];
        /**
         * Replace a collection
         * @description As PATCH, except that `title`, `view_lists` and `admin_lists` are required. Admins of the collection only.
         */
        put: operations["collectionsUpdate"];
        post?: never;
        /**
         * Delete a collection
         * @description With its videos; their stored objects are deleted afterwards. Admins of the collection only.
         */
        delete: operations["collectionsDestroy"];
        options?: never;
        head?: never;
        /**
         * Change a collection
         * @description Only the fields sent change. Admins of the collection only.
         */
        patch: operations["collectionsPartialUpdate"];
        trace?: never;
    };
    "/api/v0/videos/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List videos
         * @description The videos the caller may view.
         */
        get: operations["videosList"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v0/videos/{key}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a video */
        get: operations["videosRetrieve"];
        /**
         * Change a video (as PATCH)
         * @description Only the fields sent change; read-only and unknown fields are ignored. Admins of the video's collection only. PUT answers as PATCH: no field is required.
         */
        put: operations["videosUpdate"];
        post?: never;
        /**
         * Delete a video
         * @description Its stored objects are deleted afterwards. Admins of the video's collection only.
         */
        delete: operations["videosDestroy"];
        options?: never;
        head?: never;
        /**
         * Change a video
         * @description Only the fields sent change; read-only and unknown fields are ignored. Admins of the video's collection only.
         */
        patch: operations["videosPartialUpdate"];
        trace?: never;
    };
    "/api/v0/videos/{key}/playback/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What a player needs to play a video
         * @description Sources, subtitle tracks, poster and, for a protected video, the CDN grant. The playlists name their variants and segments by relative URIs, so a player appends `grant.queryParameters` to every request to the CDN host (hls.js `xhrSetup`/`fetchSetup`, Video.js VHS `beforeRequest`) and calls this endpoint again before `grant.expiresAt` for a fresh grant. With `OVS_PLAYBACK_SIGNED_COOKIES`, the grant is also set as CloudFront cookies (`CloudFront-Policy`, `CloudFront-Signature`, `CloudFront-Key-Pair-Id`) on each of the video's protected folders. A public video has `grant: null` and plain URLs. Answered with `Cache-Control: private, no-store`.
         */
        get: operations["videosPlayback"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v0/videos/{key}/status/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * How a video's processing goes
         * @description The video's status and its latest transcode job, for whoever may view the video.
         */
        get: operations["videosStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v0/videos/{key}/thumbnail/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Replace a video's thumbnail
         * @description A JPEG or PNG image in the multipart field `thumbnail`; its bytes must really be JPEG or PNG. At most THUMBNAIL_UPLOAD_MAX_SIZE bytes (1048576 by default). Admins of the video's collection only.
         */
        patch: operations["videosThumbnailUpload"];
        trace?: never;
    };
    "/api/v0/upload_subtitles/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add or replace a video's subtitles in one language
         * @description WebVTT or SRT (converted to WebVTT). Admins of the video's collection only. Fields the route does not read (upstream's `collection`) are ignored.
         */
        post: operations["subtitlesUpload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v0/subtitles/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a subtitle
         * @description For whoever may view its video.
         */
        get: operations["subtitlesRetrieve"];
        put?: never;
        post?: never;
        /**
         * Delete a subtitle
         * @description Admins of its video's collection only; the stored file is deleted afterwards.
         */
        delete: operations["subtitlesDestroy"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v0/upload_videos/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add videos to a collection from Dropbox or URLs
         * @description Each file becomes a `Created` video whose source is fetched in the background; the video's status tells how it goes. Every entry is checked before anything is created. Admins of the collection only.
         */
        post: operations["uploadVideos"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v0/upload_file/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Upload a video file to a collection
         * @description A `multipart/form-data` body: the text field `collection` (the collection's key), then the file part `file` with its file name, which titles the video. The file streams into storage as it arrives; the video is created once it is stored, and goes on to be transcoded. At most OVS_MAX_UPLOAD_BYTES bytes. Admins of the collection only.
         */
        post: operations["uploadFile"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v0/replace_video/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Give a video a new source
         * @description The new source is fetched and transcoded in the background; the old outputs stay live until the new ones are ready. Refused while an upload or transcode is under way. Admins of the video's collection only.
         */
        post: operations["replaceVideoSource"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v0/videos/{key}/retry_upload/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Retry a failed upload
         * @description Admins of the video's collection only. No body.
         */
        post: operations["videosRetryUpload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v0/sync_collection_videos_with_edx/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Post a collection's videos to edX
         * @description Admins of the collection only. Queues one sync and says which videos it will post and which it leaves out.
         */
        post: operations["syncCollectionWithEdx"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/videos/{key}/download": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download a public video's MP4
         * @description Upstream's download link: a 302 to the unsigned CDN URL of the video's MP4. Public videos only; a protected video, or one without a transcoded MP4 (the original upload is never served), is not found.
         */
        get: operations["videosDownload"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/videos/{key}/download/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download a public video's MP4
         * @description Upstream's download link: a 302 to the unsigned CDN URL of the video's MP4. Public videos only; a protected video, or one without a transcoded MP4 (the original upload is never served), is not found.
         */
        get: operations["videosDownloadSlash"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v0/public/videos/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The public video feed
         * @description Public, complete videos of every collection, for crawlers. Every `next` link carries a `cursor`, so a crawl that follows `next` sees each video once. Boolean filters take `true`/`false` (`True`, `2`, `False`, `3`); other values turn them off.
         */
        get: operations["publicVideosList"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v0/me/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who am I, and what may I do
         * @description The signed-in user (null for anonymous callers), whether they may create collections and manage edX endpoints, and the settings the web UI needs (the Dropbox Chooser key, the support address). Answered with `Cache-Control: private, no-store`.
         */
        get: operations["meRetrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v0/tokens/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List my API tokens
         * @description Newest first, revoked and expired ones included; never a secret.
         */
        get: operations["tokensList"];
        put?: never;
        /**
         * Create an API token
         * @description For scripts, the CLI and services: send it as `Authorization: Bearer <token>`. Answered with `Cache-Control: no-store`.
         */
        post: operations["tokensCreate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v0/jobs/failed/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the jobs that will not run again
         * @description Failed with no retries left (`exhausted`) or failed so that a retry would fail the same way (`not_retried`), newest first. Staff and superusers.
         */
        get: operations["jobsFailedList"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v0/mail/failed/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the status emails given up on
         * @description Status emails that will not be sent — a failure retrying would repeat, nobody to send them to, or too many failed sends — newest first. Staff and superusers.
         */
        get: operations["mailFailedList"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v0/tokens/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an API token
         * @description It stops working at once; revoking it again changes nothing. Another user's token is not found.
         */
        delete: operations["tokensDestroy"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v0/edx_endpoints/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the edX endpoints
         * @description Every endpoint, oldest first (not paged). Staff and superusers only.
         */
        get: operations["edxEndpointsList"];
        put?: never;
        /**
         * Add an edX endpoint
         * @description Staff and superusers only. A name another endpoint has is a field error on `name`. The credentials are kept sealed at rest and never shown again.
         */
        post: operations["edxEndpointsCreate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v0/edx_endpoints/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get an edX endpoint
         * @description Staff and superusers only.
         */
        get: operations["edxEndpointsRetrieve"];
        put?: never;
        post?: never;
        /**
         * Delete an edX endpoint
         * @description Unlinks it from every collection, which stop posting to it; videos already on edX stay there. Staff and superusers only.
         */
        delete: operations["edxEndpointsDestroy"];
        options?: never;
        head?: never;
        /**
         * Change an edX endpoint
         * @description Only the fields sent change. New credentials or a new base URL forget the cached token. Staff and superusers only.
         */
        patch: operations["edxEndpointsPartialUpdate"];
        trace?: never;
    };
    "/api/v0/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This document */
        get: operations["openApiDocument"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description Who is asking (null when anonymous), what they may do in general, and the settings the web UI shows. */
        Me: {
            user: {
                id: number;
                username: string;
                email: string;
                is_staff: boolean;
                is_superuser: boolean;
            } | null;
            may_create_collections: boolean;
            may_manage_edx_endpoints: boolean;
            dropbox_key: string | null;
            support_email: string;
        };
        /** @description An error with a message, e.g. `{"detail": "Not found."}`. */
        Detail: {
            detail: string;
        };
        /** @description An error with a message, where the old endpoints answered so. */
        ErrorMessage: {
            error: string;
        };
        /** @description Django REST Framework field errors: each field names its messages, an object of nested field errors, or a list with one object per item of a list of objects; problems with the body as a whole are under `non_field_errors`. */
        FieldErrors: {
            [key: string]: string[] | components["schemas"]["FieldErrors"] | components["schemas"]["FieldErrors"][];
        };
        /** @enum {string} */
        VideoStatus: "Created" | "Uploading" | "Upload failed" | "Transcoding" | "Transcode failed internal error" | "Transcode failed video error" | "Retranscoding" | "Retranscode failed error" | "Retranscode scheduled" | "Complete" | "Error";
        /** @enum {string} */
        StreamSource: "Youtube" | "Cloudfront";
        OwnerInfo: {
            id: number;
            username: string;
            email: string;
        };
        VideoFile: {
            id: number;
            /** Format: date-time */
            created_at: string;
            s3_object_key: string;
            encoding: string;
            bucket_name: string;
            cloudfront_url: string;
        };
        VideoThumbnail: {
            id: number;
            /** Format: date-time */
            created_at: string;
            s3_object_key: string;
            bucket_name: string;
            cloudfront_url: string;
        };
        VideoSubtitle: {
            id: number;
            /** Format: date-time */
            created_at: string;
            filename: string;
            s3_object_key: string;
            bucket_name: string;
            /** @description ISO 639-1 code. */
            language: string;
            language_name: string | null;
        };
        PlaybackSource: {
            src: string;
            /** @description The encoding: `HLS`, `desktop_mp4`, or a legacy rendition. */
            label: string;
            /** @enum {string} */
            type: "application/x-mpegURL" | "video/mp4";
        };
        Video: {
            /** @description 32 lowercase hex characters. */
            key: string;
            /** Format: date-time */
            created_at: string;
            title: string;
            description: string;
            /** @description 32 lowercase hex characters. */
            collection_key: string;
            status: components["schemas"]["VideoStatus"];
            videofile_set: components["schemas"]["VideoFile"][];
            videothumbnail_set: components["schemas"]["VideoThumbnail"][];
            videosubtitle_set: components["schemas"]["VideoSubtitle"][];
            view_lists: string[];
            collection_view_lists: string[];
            is_public: boolean;
            is_private: boolean;
            /** @description The HLS playlist URL, or empty. */
            cloudfront_url: string;
            cta_link: string | null;
            /** @description Seconds; 0 until a transcode measured it. */
            duration: number;
            collection_title: string;
            multiangle: boolean;
            is_logged_in_only: boolean;
            sources: components["schemas"]["PlaybackSource"][];
            youtube_id: string | null;
        };
        SimpleVideo: {
            /** @description 32 lowercase hex characters. */
            key: string;
            /** Format: date-time */
            created_at: string;
            title: string;
            description: string;
            /** @description 32 lowercase hex characters. */
            collection_key: string;
            status: components["schemas"]["VideoStatus"];
            videofile_set: components["schemas"]["VideoFile"][];
            videothumbnail_set: components["schemas"]["VideoThumbnail"][];
            videosubtitle_set: components["schemas"]["VideoSubtitle"][];
            view_lists: string[];
            collection_view_lists: string[];
            is_public: boolean;
            is_private: boolean;
            /** @description The HLS playlist URL, or empty. */
            cloudfront_url: string;
            cta_link: string | null;
            /** @description Seconds; 0 until a transcode measured it. */
            duration: number;
        };
        CollectionListItem: {
            /** @description 32 lowercase hex characters. */
            key: string;
            /** Format: date-time */
            created_at: string;
            title: string;
            description: string | null;
            view_lists: string[];
            admin_lists: string[];
            video_count: number;
            edx_course_id: string | null;
            owner: number;
            owner_info: components["schemas"]["OwnerInfo"];
            is_public: boolean;
            stream_source: components["schemas"]["StreamSource"] | null;
        };
        Collection: {
            /** @description 32 lowercase hex characters. */
            key: string;
            /** Format: date-time */
            created_at: string;
            title: string;
            description: string | null;
            view_lists: string[];
            admin_lists: string[];
            video_count: number;
            edx_course_id: string | null;
            owner: number;
            owner_info: components["schemas"]["OwnerInfo"];
            is_public: boolean;
            stream_source: components["schemas"]["StreamSource"] | null;
            videos: components["schemas"]["SimpleVideo"][];
            is_logged_in_only: boolean;
            is_admin: boolean;
            include_in_learn: boolean;
            for_shorts: boolean;
            schedule_retranscode: boolean;
        };
        Playback: {
            /** @description 32 lowercase hex characters. */
            key: string;
            status: components["schemas"]["VideoStatus"];
            playable: boolean;
            sources: components["schemas"]["PlaybackSource"][];
            subtitles: {
                language: string;
                label: string;
                url: string;
            }[];
            poster: string | null;
            duration: number | null;
            multiangle: boolean;
            youtubeId: string | null;
            grant: {
                /** @description Appended to every request the player makes to the CDN host. */
                queryParameters: {
                    [key: string]: string;
                };
                /**
                 * Format: date-time
                 * @description The grant works until then (at least OVS_PLAYBACK_GRANT_SECONDS after it was made); refresh before.
                 */
                expiresAt: string;
            } | null;
            video: components["schemas"]["Video"];
        };
        VideoProcessingStatus: {
            /** @description 32 lowercase hex characters. */
            key: string;
            status: components["schemas"]["VideoStatus"];
            /** @description The video's latest transcode job; empty before the first. */
            encode_jobs: {
                /** @enum {string} */
                state: "Submitted" | "Progressing" | "Error" | "Warning" | "Complete";
                /** @enum {string} */
                purpose: "transcode" | "retranscode";
                error_code: number | null;
                error_message: string | null;
                /** Format: date-time */
                created_at: string;
                /** Format: date-time */
                last_modified: string;
            }[];
        };
        PublicCollection: {
            /** @description 32 lowercase hex characters. */
            key: string;
            title: string;
            description: string | null;
            is_public: boolean;
            stream_source: components["schemas"]["StreamSource"] | null;
            for_shorts: boolean;
        };
        PublicVideo: {
            /** @description 32 lowercase hex characters. */
            key: string;
            /** Format: date-time */
            created_at: string;
            title: string;
            description: string;
            status: components["schemas"]["VideoStatus"];
            is_public: boolean;
            youtube_id: string | null;
            sources: {
                src: string;
                /** @enum {string} */
                label: "HLS";
                /** @enum {string} */
                type: "application/x-mpegURL";
            }[];
            cta_link: string | null;
            duration: number | null;
            multiangle: boolean;
            videothumbnail_set: components["schemas"]["VideoThumbnail"][];
            videosubtitle_set: components["schemas"]["VideoSubtitle"][];
            collection: components["schemas"]["PublicCollection"];
        };
        ApiToken: {
            id: string;
            name: string;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            expires_at: string;
            last_used_at: string | null;
            revoked_at: string | null;
            /** @enum {string} */
            state: "active" | "expired" | "revoked";
        };
        IssuedApiToken: {
            id: string;
            name: string;
            /** @description The secret, shown this once: only its hash is kept. */
            token: string;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            expires_at: string;
        };
        FailedJob: {
            id: string;
            queue: string;
            /** @description The job's payload, as queued. */
            payload: unknown;
            /** @enum {string} */
            end: "exhausted" | "not_retried";
            failure: {
                tag: string;
                message: string;
            } | null;
            attempts: number;
            /** Format: date-time */
            created_at: string;
            ended_at: string | null;
        };
        /** @description A status email that will not be sent: the status change it was about, and why. */
        AbandonedMail: {
            /** @description The outbox entry's id. */
            id: string;
            /** @description 32 lowercase hex characters. */
            video_key: string;
            /** @enum {string} */
            template: "success" | "invalid_format_error" | "other_error";
            from_status: components["schemas"]["VideoStatus"] | null;
            to_status: components["schemas"]["VideoStatus"];
            /** @description Sends tried; 0 when there was nobody to send it to. */
            attempts: number;
            reason: string | null;
            /**
             * Format: date-time
             * @description When the status changed.
             */
            created_at: string;
            /**
             * Format: date-time
             * @description When the email was given up on.
             */
            abandoned_at: string;
        };
        /** @description An Open edX instance. The client id, secret key and access token are never shown. */
        EdxEndpoint: {
            id: number;
            name: string;
            base_url: string;
            edx_video_api_path: string;
            /** @description Where videos are posted: the API path resolved against the base URL. */
            videos_url: string;
            /** @description False when the stored client id and secret key cannot be read (sealed with another OVS_SECRET_KEY): nothing is posted to the endpoint until both are sent again. */
            has_credentials: boolean;
            access_token_expires_at: string | null;
            /** @description How many collections post to this endpoint. */
            collection_count: number;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        EdxPost: {
            /** @description 32 lowercase hex characters. */
            video_key: string;
            video_title: string;
            endpoint_id: number;
            endpoint_name: string;
            /** @enum {string} */
            outcome: "Created" | "Updated" | "Rejected" | "Failed" | "NotEligible";
            status: number | null;
            detail: string | null;
            retrying: boolean;
            attempt: number;
            /** Format: date-time */
            posted_at: string;
        };
        /**
         * int
         * @description an integer
         */
        Int: number;
    };
    responses: {
        /** @description Credentials in the query string (`token`, `access_token`) are refused: "Tokens are not accepted in the query string; send them in the Authorization header." */
        QueryCredentials: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Detail"];
            };
        };
        /** @description The body is refused: field errors for invalid fields (unknown fields too, where the body refuses them); `{"detail"}` for JSON that does not parse, a body that ends early, or credentials in the query string. */
        InvalidBody: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["FieldErrors"] | components["schemas"]["Detail"];
            };
        };
        /** @description The bearer token is malformed, unknown, expired or revoked: "Invalid token." */
        InvalidToken: {
            headers: {
                /** @description Bearer error="invalid_token" */
                "WWW-Authenticate"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Detail"];
            };
        };
        /** @description An anonymous caller is asked to sign in ("Authentication credentials were not provided."); a signed-in one who may see the object but not do this gets the reason; a session write without the `x-csrftoken` header matching the `csrftoken` cookie gets "CSRF Failed: CSRF token missing or incorrect." */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Detail"];
            };
        };
        /** @description Not found, also for what the caller may not see or a key that does not parse: "Not found." */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Detail"];
            };
        };
        /** @description The state of the object does not allow this now, or it would duplicate another. */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Detail"];
            };
        };
        /** @description The body is larger than the route accepts. */
        BodyTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Detail"];
            };
        };
        /** @description The body is not of the type the route reads (or is compressed, or not UTF-8). */
        UnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Detail"];
            };
        };
        /** @description A fault that retrying will not fix: "A server error occurred." */
        ServerError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Detail"];
            };
        };
        /** @description A passing fault; try again later: "Service temporarily unavailable, try again later." */
        ServiceUnavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Detail"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    collectionsList: {
        parameters: {
            query?: {
                /** @description The page, from 1, or `last`; a page past the end is 404 "Invalid page.". */
                page?: number | "last";
                /** @description Items per page, at most 1000; 50 when absent or not a positive integer. */
                page_size?: number;
                /** @description Title contains. */
                title?: string;
                /** @description Slug contains. */
                slug?: string;
                /** @description Description contains. */
                description?: string;
                /** @description edX course id contains. */
                edx_course_id?: string;
                /** @description Linked to the edX endpoint with this id. */
                edx_endpoint?: string;
                /** @description Searches the collection's text and its videos' titles and descriptions. */
                search?: string;
                /** @description Comma-separated fields (`created_at`, `title`, `-` for descending); the first known one sorts, the key breaks ties. */
                ordering?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of collections. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        count: number;
                        next: string | null;
                        previous: string | null;
                        results: components["schemas"]["CollectionListItem"][];
                        start_index: number;
                        end_index: number;
                        num_pages: number;
                    };
                };
            };
            /** @description A filter is invalid (field errors); `{"detail"}` for a cursor that is not one of ours ("Invalid cursor.") or credentials in the query string. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FieldErrors"] | components["schemas"]["Detail"];
                };
            };
            401: components["responses"]["InvalidToken"];
            /** @description The page does not exist: "Invalid page." */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Detail"];
                };
            };
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    collectionsCreate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Not blank. */
                    title: string;
                    /** @description Free text; null for none. */
                    description?: string | null;
                    /** @description Names of the groups whose members may view the collection's videos; each must exist. */
                    view_lists?: string[];
                    /** @description Names of the groups whose members administer the collection; each must exist. */
                    admin_lists?: string[];
                    /** @description The edX course the collection's videos are posted to; empty or null for none. */
                    edx_course_id?: string | null;
                    /** @description Whether only signed-in users may view the collection's videos. */
                    is_logged_in_only?: boolean;
                    /**
                     * positive
                     * @description The owner's user id; only staff may give a collection another owner.
                     */
                    owner?: components["schemas"]["Int"];
                    /** @description Staff only. Publishes the collection: new videos start public. Changing it on an existing collection makes every video public (or, when unpublishing, private) — except that publishing a collection included in MIT Learn leaves its videos as they are. */
                    is_public?: boolean;
                    /** @description Staff only. Offers the collection's public videos to MIT Learn (the public feed's filter). */
                    include_in_learn?: boolean;
                    /** @description Staff only. Transcodes the collection's videos in portrait sizes, for shorts. */
                    for_shorts?: boolean;
                    /** @description Staff only. Where the collection's public videos stream from: `Youtube`, `Cloudfront`, or null. */
                    stream_source?: ("Youtube" | "Cloudfront") | null;
                };
            };
        };
        responses: {
            /** @description The new collection. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CollectionListItem"] & {
                        notices?: string[];
                    };
                };
            };
            400: components["responses"]["InvalidBody"];
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["BodyTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    collectionsEdxPosts: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The collection's key: 32 hex characters or a dashed UUID. */
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The posts. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        results: components["schemas"]["EdxPost"][];
                    };
                };
            };
            400: components["responses"]["QueryCredentials"];
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    collectionsRetrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The collection's key: 32 hex characters or a dashed UUID. */
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The collection. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Collection"];
                };
            };
            400: components["responses"]["QueryCredentials"];
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    collectionsUpdate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The collection's key: 32 hex characters or a dashed UUID. */
                key: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Not blank. */
                    title: string;
                    /** @description Free text; null for none. */
                    description?: string | null;
                    /** @description Names of the groups whose members may view the collection's videos; each must exist. */
                    view_lists: string[];
                    /** @description Names of the groups whose members administer the collection; each must exist. */
                    admin_lists: string[];
                    /** @description The edX course the collection's videos are posted to; empty or null for none. */
                    edx_course_id?: string | null;
                    /** @description Whether only signed-in users may view the collection's videos. */
                    is_logged_in_only?: boolean;
                    /**
                     * positive
                     * @description The owner's user id; only staff may give a collection another owner.
                     */
                    owner?: components["schemas"]["Int"];
                    /** @description Staff only. Publishes the collection: new videos start public. Changing it on an existing collection makes every video public (or, when unpublishing, private) — except that publishing a collection included in MIT Learn leaves its videos as they are. */
                    is_public?: boolean;
                    /** @description Staff only. Offers the collection's public videos to MIT Learn (the public feed's filter). */
                    include_in_learn?: boolean;
                    /** @description Staff only. Transcodes the collection's videos in portrait sizes, for shorts. */
                    for_shorts?: boolean;
                    /** @description Staff only. Where the collection's public videos stream from: `Youtube`, `Cloudfront`, or null. */
                    stream_source?: ("Youtube" | "Cloudfront") | null;
                    /** @description Retranscode every video of the collection. */
                    schedule_retranscode?: boolean;
                };
            };
        };
        responses: {
            /** @description The collection. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Collection"] & {
                        notices?: string[];
                    };
                };
            };
            400: components["responses"]["InvalidBody"];
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["BodyTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    collectionsDestroy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The collection's key: 32 hex characters or a dashed UUID. */
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["QueryCredentials"];
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    collectionsPartialUpdate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The collection's key: 32 hex characters or a dashed UUID. */
                key: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Not blank. */
                    title?: string;
                    /** @description Free text; null for none. */
                    description?: string | null;
                    /** @description Names of the groups whose members may view the collection's videos; each must exist. */
                    view_lists?: string[];
                    /** @description Names of the groups whose members administer the collection; each must exist. */
                    admin_lists?: string[];
                    /** @description The edX course the collection's videos are posted to; empty or null for none. */
                    edx_course_id?: string | null;
                    /** @description Whether only signed-in users may view the collection's videos. */
                    is_logged_in_only?: boolean;
                    /**
                     * positive
                     * @description The owner's user id; only staff may give a collection another owner.
                     */
                    owner?: components["schemas"]["Int"];
                    /** @description Staff only. Publishes the collection: new videos start public. Changing it on an existing collection makes every video public (or, when unpublishing, private) — except that publishing a collection included in MIT Learn leaves its videos as they are. */
                    is_public?: boolean;
                    /** @description Staff only. Offers the collection's public videos to MIT Learn (the public feed's filter). */
                    include_in_learn?: boolean;
                    /** @description Staff only. Transcodes the collection's videos in portrait sizes, for shorts. */
                    for_shorts?: boolean;
                    /** @description Staff only. Where the collection's public videos stream from: `Youtube`, `Cloudfront`, or null. */
                    stream_source?: ("Youtube" | "Cloudfront") | null;
                    /** @description Retranscode every video of the collection. */
                    schedule_retranscode?: boolean;
                };
            };
        };
        responses: {
            /** @description The collection. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Collection"] & {
                        notices?: string[];
                    };
                };
            };
            400: components["responses"]["InvalidBody"];
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["BodyTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    videosList: {
        parameters: {
            query?: {
                /** @description The page, from 1, or `last`; a page past the end is 404 "Invalid page.". */
                page?: number | "last";
                /** @description Items per page, at most 1000; 1000 when absent or not a positive integer. */
                page_size?: number;
                /** @description Only the videos of the collection with this key. */
                collection?: string;
                /** @description Comma-separated fields (`created_at`, `title`, `-` for descending); the first known one sorts, the key breaks ties. */
                ordering?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of videos. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        count: number;
                        next: string | null;
                        previous: string | null;
                        results: components["schemas"]["Video"][];
                        start_index: number;
                        end_index: number;
                        num_pages: number;
                    };
                };
            };
            /** @description A filter is invalid (field errors); `{"detail"}` for a cursor that is not one of ours ("Invalid cursor.") or credentials in the query string. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FieldErrors"] | components["schemas"]["Detail"];
                };
            };
            401: components["responses"]["InvalidToken"];
            /** @description The page does not exist: "Invalid page." */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Detail"];
                };
            };
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    videosRetrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The video's key: 32 hex characters or a dashed UUID. */
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The video. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Video"];
                };
            };
            400: components["responses"]["QueryCredentials"];
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    videosUpdate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The video's key: 32 hex characters or a dashed UUID. */
                key: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * maxLength(250)
                     * @description a string at most 250 character(s) long
                     */
                    title?: string;
                    description?: string;
                    /** @description A call-to-action http(s) URL; empty or null for none. */
                    cta_link?: ("" | string) | null;
                    /** @description Names of the groups whose members may view the video; each must exist. */
                    view_lists?: string[];
                    is_public?: boolean;
                    is_private?: boolean;
                    is_logged_in_only?: boolean;
                    /** @description The video's position in its collection; null for the default order. */
                    custom_order?: components["schemas"]["Int"] | null;
                    /** @description Retranscode the video. */
                    schedule_retranscode?: boolean;
                };
            };
        };
        responses: {
            /** @description The video. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Video"];
                };
            };
            400: components["responses"]["InvalidBody"];
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["BodyTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    videosDestroy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The video's key: 32 hex characters or a dashed UUID. */
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["QueryCredentials"];
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    videosPartialUpdate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The video's key: 32 hex characters or a dashed UUID. */
                key: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * maxLength(250)
                     * @description a string at most 250 character(s) long
                     */
                    title?: string;
                    description?: string;
                    /** @description A call-to-action http(s) URL; empty or null for none. */
                    cta_link?: ("" | string) | null;
                    /** @description Names of the groups whose members may view the video; each must exist. */
                    view_lists?: string[];
                    is_public?: boolean;
                    is_private?: boolean;
                    is_logged_in_only?: boolean;
                    /** @description The video's position in its collection; null for the default order. */
                    custom_order?: components["schemas"]["Int"] | null;
                    /** @description Retranscode the video. */
                    schedule_retranscode?: boolean;
                };
            };
        };
        responses: {
            /** @description The video. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Video"];
                };
            };
            400: components["responses"]["InvalidBody"];
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["BodyTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    videosPlayback: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The video's key: 32 hex characters or a dashed UUID. */
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The playback description. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Playback"];
                };
            };
            400: components["responses"]["QueryCredentials"];
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    videosStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The video's key: 32 hex characters or a dashed UUID. */
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The status. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VideoProcessingStatus"];
                };
            };
            400: components["responses"]["QueryCredentials"];
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    videosThumbnailUpload: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The video's key: 32 hex characters or a dashed UUID. */
                key: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /** @description The image. */
                    thumbnail: string;
                };
            };
        };
        responses: {
            /** @description The thumbnail was replaced; the video. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Video"];
                };
            };
            /** @description The video had no thumbnail; the video. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Video"];
                };
            };
            /** @description No file, a type other than JPEG or PNG, bytes that are not an image, or a form that does not parse: `{"error"}`; `{"detail"}` for a body that ends early or credentials in the query string. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"] | components["schemas"]["Detail"];
                };
            };
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description The image is over the limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    subtitlesUpload: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /** @description The video's key: 32 hex characters or a dashed UUID. */
                    video: string;
                    /** @description ISO 639-1 code of the subtitles' language; `en` when absent. */
                    language?: string;
                    /**
                     * maxLength(1024)
                     * @description The file's name, ending in `.vtt` or `.srt`; the file part's own name when absent.
                     */
                    filename?: string;
                    /** @description The subtitle file (WebVTT or SRT), UTF-8 text, at most 5242880 bytes. */
                    file: string;
                };
            };
        };
        responses: {
            /** @description The stored subtitles. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VideoSubtitle"];
                };
            };
            /** @description Field errors (`video`, `language`, `filename`, `file`, or `non_field_errors` for a form that does not parse); `{"detail"}` for a body that ends early or credentials in the query string. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FieldErrors"] | components["schemas"]["Detail"];
                };
            };
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["BodyTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    subtitlesRetrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The subtitle's id. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The subtitle. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VideoSubtitle"];
                };
            };
            400: components["responses"]["QueryCredentials"];
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    subtitlesDestroy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The subtitle's id. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["QueryCredentials"];
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    uploadVideos: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The collection's key: 32 hex characters or a dashed UUID. */
                    collection: string;
                    /** @description Dropbox Chooser entries or plain `{name, link}` entries; each becomes a video titled after its name. `link` must be an http(s) URL; folders (`isDir: true`) are refused. */
                    files: {
                        name: string;
                        /**
                         * maxLength(2000)
                         * @description a string at most 2000 character(s) long
                         */
                        link: string;
                        /**
                         * nonNegative
                         * @description a non-negative number
                         */
                        bytes?: components["schemas"]["Int"];
                        icon?: string;
                        thumbnailLink?: string;
                        isDir?: boolean;
                    }[];
                };
            };
        };
        responses: {
            /** @description Queued: for each new video's key, its original's storage key and its title. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: {
                            s3key: string;
                            title: string;
                        };
                    };
                };
            };
            400: components["responses"]["InvalidBody"];
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["BodyTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    uploadFile: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /** @description The collection's key; sent before `file`. */
                    collection: string;
                    /** @description The video. */
                    file: string;
                };
            };
        };
        responses: {
            /** @description Stored and queued: for the new video's key, its original's storage key and its title. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: {
                            s3key: string;
                            title: string;
                        };
                    };
                };
            };
            /** @description Field errors (`collection`, `file`, or `non_field_errors` for a form that does not parse); `{"detail"}` for a body that ends early or credentials in the query string. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FieldErrors"] | components["schemas"]["Detail"];
                };
            };
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["BodyTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    replaceVideoSource: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The video's key: 32 hex characters or a dashed UUID. */
                    video: string;
                    /** @description A Dropbox Chooser entry or a plain `{name, link}` entry with the new source. */
                    file: {
                        name: string;
                        /**
                         * maxLength(2000)
                         * @description a string at most 2000 character(s) long
                         */
                        link: string;
                        /**
                         * nonNegative
                         * @description a non-negative number
                         */
                        bytes?: components["schemas"]["Int"];
                        icon?: string;
                        thumbnailLink?: string;
                        isDir?: boolean;
                    };
                };
            };
        };
        responses: {
            /** @description Queued. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description 32 lowercase hex characters. */
                        key: string;
                        title: string;
                    };
                };
            };
            400: components["responses"]["InvalidBody"];
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["BodyTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    videosRetryUpload: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The video's key: 32 hex characters or a dashed UUID. */
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Queued again. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description 32 lowercase hex characters. */
                        key: string;
                        /** @enum {string} */
                        outcome: "retried";
                    };
                };
            };
            400: components["responses"]["QueryCredentials"];
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description Not retried: the video is not `Upload failed` (any more), or has no source or original to fetch again. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description 32 lowercase hex characters. */
                        key: string;
                        /** @enum {string} */
                        outcome: "skipped_status" | "skipped_no_source" | "skipped_no_original" | "skipped_conflict";
                    };
                };
            };
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    syncCollectionWithEdx: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The collection's key: 32 hex characters or a dashed UUID. A missing, null, empty, 0 or false value is refused with `{"collection_id": ["collection_id is required"]}`. */
                    collection_id: string;
                };
            };
        };
        responses: {
            /** @description Queued. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        message: string;
                        task_id: string | null;
                        /** @description As sent. */
                        collection_id: string;
                        /** @enum {string} */
                        status: "processing";
                        to_post: {
                            /** @description 32 lowercase hex characters. */
                            key: string;
                            title: string;
                        }[];
                        refused: {
                            /** @description 32 lowercase hex characters. */
                            key: string;
                            title: string;
                            reason: string;
                        }[];
                    };
                };
            };
            /** @description `collection_id` missing or malformed (field errors); `{"error"}` when the collection cannot be synced (no course id, no edX endpoint, no video that can be sent); `{"detail"}` for JSON that does not parse or credentials in the query string. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FieldErrors"] | components["schemas"]["ErrorMessage"] | components["schemas"]["Detail"];
                };
            };
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["BodyTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    videosDownload: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The video's key: 32 hex characters or a dashed UUID. */
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description To the MP4 on the CDN (`Location`). */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["QueryCredentials"];
            401: components["responses"]["InvalidToken"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    videosDownloadSlash: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The video's key: 32 hex characters or a dashed UUID. */
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description To the MP4 on the CDN (`Location`). */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["QueryCredentials"];
            401: components["responses"]["InvalidToken"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    publicVideosList: {
        parameters: {
            query?: {
                /** @description The page, from 1, or `last`; a page past the end is 404 "Invalid page.". */
                page?: number | "last";
                /** @description Items per page, at most 1000; 1000 when absent or not a positive integer. */
                page_size?: number;
                /** @description From a `next` link; takes precedence over `page`. */
                cursor?: string;
                /** @description Only the videos of the collection with this key (a UUID). */
                collection?: string;
                /** @description Only videos with this status. */
                status?: string;
                /** @description Only videos with (or without) this flag. */
                include_in_learn?: string;
                /** @description Only videos of collections for shorts (or not). */
                for_shorts?: string;
                /** @description The collection's title contains. */
                collection_title?: string;
                /** @description Only collections with this stream source. */
                stream_source?: string;
                /** @description Comma-separated stream sources to leave out. */
                exclude_source?: string;
                /** @description Title contains. */
                title?: string;
                /** @description Description contains. */
                description?: string;
                /** @description Title or description contains. */
                search?: string;
                /** @description Comma-separated fields (`created_at`, `title`, `-` for descending); the first known one sorts, the key breaks ties. */
                ordering?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of public videos. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        count: number;
                        next: string | null;
                        previous: string | null;
                        results: components["schemas"]["PublicVideo"][];
                        start_index: number;
                        end_index: number;
                        num_pages: number;
                    };
                };
            };
            /** @description A filter is invalid (field errors); `{"detail"}` for a cursor that is not one of ours ("Invalid cursor.") or credentials in the query string. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FieldErrors"] | components["schemas"]["Detail"];
                };
            };
            401: components["responses"]["InvalidToken"];
            /** @description The page does not exist: "Invalid page." */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Detail"];
                };
            };
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    meRetrieve: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Who is asking. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            400: components["responses"]["QueryCredentials"];
            401: components["responses"]["InvalidToken"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    tokensList: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The tokens. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiToken"][];
                };
            };
            400: components["responses"]["QueryCredentials"];
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    tokensCreate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The token's name: trimmed, then 1 to 100 characters. */
                    name: string;
                    /**
                     * between(1, 365)
                     * @description Days until the token expires, 1 to 365; 90 when absent.
                     */
                    expires_in_days?: number;
                };
            };
        };
        responses: {
            /** @description The token, with its secret. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IssuedApiToken"];
                };
            };
            400: components["responses"]["InvalidBody"];
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["BodyTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    jobsFailedList: {
        parameters: {
            query?: {
                /** @description At most this many, 1 to 500; 50 when absent. */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The failed jobs. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        count: number;
                        results: components["schemas"]["FailedJob"][];
                    };
                };
            };
            400: components["responses"]["QueryCredentials"];
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    mailFailedList: {
        parameters: {
            query?: {
                /** @description At most this many, 1 to 500; 50 when absent. */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The abandoned status emails. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        count: number;
                        results: components["schemas"]["AbandonedMail"][];
                    };
                };
            };
            /** @description A `limit` that is not a whole number from 1 to 500 is a field error on `limit`; credentials in the query string are refused with `{"detail"}`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FieldErrors"] | components["schemas"]["Detail"];
                };
            };
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    tokensDestroy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The token's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["QueryCredentials"];
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    edxEndpointsList: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The endpoints. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EdxEndpoint"][];
                };
            };
            400: components["responses"]["QueryCredentials"];
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    edxEndpointsCreate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Trimmed, then 1 to 20 characters; unique among endpoints. */
                    name: string;
                    /**
                     * maxLength(100)
                     * @description The edX instance's http(s) URL, at most 100 characters; tokens are asked for at its host's `/oauth2/access_token/`.
                     */
                    base_url: string;
                    /**
                     * maxLength(100)
                     * @description The edxval videos path on that host, at most 100 characters; `/api/val/v0/videos/` when absent.
                     */
                    edx_video_api_path?: string;
                    /** @description The OAuth client id. Write-only: kept sealed at rest and never shown again. */
                    client_id: string;
                    /** @description The OAuth client secret. Write-only: kept sealed at rest and never shown again. */
                    secret_key: string;
                };
            };
        };
        responses: {
            /** @description The new endpoint. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EdxEndpoint"];
                };
            };
            400: components["responses"]["InvalidBody"];
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["BodyTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    edxEndpointsRetrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The endpoint's id; anything but a positive integer is not found. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The endpoint. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EdxEndpoint"];
                };
            };
            400: components["responses"]["QueryCredentials"];
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    edxEndpointsDestroy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The endpoint's id; anything but a positive integer is not found. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["QueryCredentials"];
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    edxEndpointsPartialUpdate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The endpoint's id; anything but a positive integer is not found. */
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Trimmed, then 1 to 20 characters; unique among endpoints. */
                    name?: string;
                    /**
                     * maxLength(100)
                     * @description The edX instance's http(s) URL, at most 100 characters; tokens are asked for at its host's `/oauth2/access_token/`.
                     */
                    base_url?: string;
                    /**
                     * maxLength(100)
                     * @description The edxval videos path on that host, at most 100 characters; `/api/val/v0/videos/` when absent.
                     */
                    edx_video_api_path?: string;
                    /** @description Replaces the stored client id and forgets the cached token. When the stored credentials cannot be read (`has_credentials: false`), send it with `secret_key`. */
                    client_id?: string;
                    /** @description Replaces the stored secret key and forgets the cached token. When the stored credentials cannot be read (`has_credentials: false`), send it with `client_id`. */
                    secret_key?: string;
                };
            };
        };
        responses: {
            /** @description The endpoint. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EdxEndpoint"];
                };
            };
            400: components["responses"]["InvalidBody"];
            401: components["responses"]["InvalidToken"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["BodyTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    openApiDocument: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI 3.1 document. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            400: components["responses"]["QueryCredentials"];
            401: components["responses"]["InvalidToken"];
            500: components["responses"]["ServerError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
}
