import { Schema } from "effect";
import type { GroupName } from "./fields.js";

export const UserId = Schema.Int.pipe(Schema.positive(), Schema.brand("UserId"));
export type UserId = typeof UserId.Type;

/** A person known to OVS (mirrors the upstream Django user the Keycloak login creates). */
export const User = Schema.Struct({
  id: UserId,
  /** Usernames are the full email address (upstream `SOCIAL_AUTH_USERNAME_IS_FULL_EMAIL`). */
  username: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(150)),
  email: Schema.String.pipe(Schema.maxLength(254)),
  isSuperuser: Schema.Boolean,
  isStaff: Schema.Boolean,
  createdAt: Schema.DateFromSelf,
  updatedAt: Schema.DateFromSelf,
});
export type User = typeof User.Type;

/**
 * Who is asking. Group names are the leaves of the Keycloak group paths in the sign-in
 * token; they are resolved once per request and never stored on the user.
 */
export type Principal = AnonymousPrincipal | UserPrincipal;

export interface AnonymousPrincipal {
  readonly _tag: "Anonymous";
}

export interface UserPrincipal {
  readonly _tag: "User";
  readonly id: UserId;
  readonly username: string;
  readonly email: string;
  readonly isSuperuser: boolean;
  readonly isStaff: boolean;
  readonly groups: ReadonlySet<GroupName>;
}

export const anonymous: AnonymousPrincipal = { _tag: "Anonymous" };

export const userPrincipal = (
  user: Pick<User, "id" | "username" | "email" | "isSuperuser" | "isStaff">,
  groups: Iterable<string> = [],
): UserPrincipal => ({
  _tag: "User",
  id: user.id,
  username: user.username,
  email: user.email,
  isSuperuser: user.isSuperuser,
  isStaff: user.isStaff,
  groups: new Set(groups),
});

export const isAuthenticated = (principal: Principal): principal is UserPrincipal =>
  principal._tag === "User";

/**
 * Keycloak puts group *paths* in the token (`/parent/child`); OVS matches on the leaf.
 * Trailing slashes are ignored and empty results dropped (upstream `ui/utils.py: user_groups`).
 */
export const groupNamesFromPaths = (paths: ReadonlyArray<unknown>): ReadonlyArray<GroupName> => {
  const names = new Set<string>();
  for (const path of paths) {
    if (typeof path !== "string") continue;
    const trimmed = path.replace(/\/+$/, "");
    const leaf = trimmed.slice(trimmed.lastIndexOf("/") + 1);
    if (leaf.length > 0) names.add(leaf);
  }
  return [...names];
};

/**
 * Role flags from the token's group paths (upstream `odl_video/pipeline.py: assign_user_groups`):
 * `/admin` makes a superuser and staff, `/staff` makes staff and removes superuser, otherwise
 * the flags stay as they were. Paths compare case-insensitively.
 */
export const roleFlagsFromGroupPaths = (
  paths: ReadonlyArray<string>,
  current: { readonly isSuperuser: boolean; readonly isStaff: boolean },
): { readonly isSuperuser: boolean; readonly isStaff: boolean } => {
  const lowered = new Set(paths.map((path) => path.toLowerCase()));
  if (lowered.has("/admin")) return { isSuperuser: true, isStaff: true };
  if (lowered.has("/staff")) return { isSuperuser: false, isStaff: true };
  return current;
};
