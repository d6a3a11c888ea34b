import Router from "@koa/router";
import { canCreateCollection, canManageEdxEndpoints, isAuthenticated } from "@ovs/domain";
import { principalOf } from "./api-context.js";

/** What the browser UI learns about the service itself, besides who is asking. */
export interface MeSettings {
  /** `DROPBOX_KEY`: the Dropbox Chooser's public app key; null when Dropbox ingest is not configured. */
  readonly dropboxKey: string | null;
  /** `ODL_VIDEO_SUPPORT_EMAIL`: where the pages tell people to write when something is wrong. */
  readonly supportEmail: string;
}

export const ME_PATH = "/api/v0/me/";

/**
 * `GET /api/v0/me/`: who is signed in and what they may do in general (create collections,
 * manage edX endpoints), so the web UI shows only the actions that would succeed. Per-object
 * rights stay with the objects (`is_admin` on a collection). Never cached: it changes at sign-in.
 */
export const meRoutes = (input: { readonly settings: MeSettings }) => {
  const router = new Router();
  router.get(ME_PATH, (ctx) => {
    const principal = principalOf(ctx);
    ctx.set("Cache-Control", "private, no-store");
    ctx.body = {
      user: isAuthenticated(principal)
        ? {
            id: principal.id,
            username: principal.username,
            email: principal.email,
            is_staff: principal.isStaff,
            is_superuser: principal.isSuperuser,
          }
        : null,
      may_create_collections: canCreateCollection(principal),
      may_manage_edx_endpoints: canManageEdxEndpoints(principal),
      dropbox_key: input.settings.dropboxKey,
      support_email: input.settings.supportEmail,
    };
  });
  return router;
};
