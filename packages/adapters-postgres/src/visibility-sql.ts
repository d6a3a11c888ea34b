import type { VisibilityCondition, VisibilityFilter } from "@ovs/domain";

/** A SQL boolean expression with its `?` bindings, for `whereRaw`. */
export interface SqlCondition {
  readonly sql: string;
  readonly bindings: ReadonlyArray<string | number>;
}

const placeholders = (values: ReadonlyArray<unknown>): string => values.map(() => "?").join(", ");

const groupMembership = (
  table: string,
  ownerColumn: string,
  ownerExpression: string,
  groups: ReadonlyArray<string>,
): SqlCondition => ({
  sql: `EXISTS (SELECT 1 FROM ${table} AS g WHERE g.${ownerColumn} = ${ownerExpression} AND g.group_name IN (${placeholders(groups)}))`,
  bindings: groups,
});

/**
 * One condition of the domain's access filter over the aliases `v` (videos) and `c`
 * (collections). Without a video row (collection lists) the video conditions are false, as
 * `conditionHolds` says. The rules themselves live in the domain; this only spells them in SQL.
 */
const conditionSql = (condition: VisibilityCondition, hasVideo: boolean): SqlCondition => {
  const videoOnly = (sql: string, bindings: ReadonlyArray<string | number> = []): SqlCondition =>
    hasVideo ? { sql, bindings } : { sql: "FALSE", bindings: [] };
  switch (condition._tag) {
    case "VideoIsPublic":
      return videoOnly("v.is_public");
    case "VideoIsNotPrivate":
      return videoOnly("NOT v.is_private");
    case "VideoIsLoggedInOnly":
      return videoOnly("v.is_logged_in_only");
    case "VideoHasNoViewLists":
      return videoOnly("NOT EXISTS (SELECT 1 FROM video_view_groups AS g WHERE g.video_key = v.key)");
    case "VideoViewListsInclude": {
      const membership = groupMembership("video_view_groups", "video_key", "v.key", condition.groups);
      return videoOnly(membership.sql, membership.bindings);
    }
    case "CollectionIsLoggedInOnly":
      return { sql: "c.is_logged_in_only", bindings: [] };
    case "CollectionOwnedBy":
      return { sql: "c.owner_id = ?", bindings: [condition.userId] };
    case "CollectionAdminListsInclude":
      return groupMembership("collection_admin_groups", "collection_key", "c.key", condition.groups);
    case "CollectionViewListsInclude":
      return groupMembership("collection_view_groups", "collection_key", "c.key", condition.groups);
  }
};

/** The whole filter as one boolean expression: OR of ANDs. */
export const visibilitySql = (
  filter: VisibilityFilter,
  options: { readonly hasVideo: boolean },
): SqlCondition => {
  switch (filter._tag) {
    case "Everything":
      return { sql: "TRUE", bindings: [] };
    case "Nothing":
      return { sql: "FALSE", bindings: [] };
    case "AnyOf": {
      if (filter.clauses.length === 0) return { sql: "FALSE", bindings: [] };
      const clauses = filter.clauses.map((clause) => {
        const conditions = clause.map((condition) => conditionSql(condition, options.hasVideo));
        return {
          sql:
            conditions.length === 0
              ? "TRUE"
              : `(${conditions.map((condition) => condition.sql).join(" AND ")})`,
          bindings: conditions.flatMap((condition) => condition.bindings),
        };
      });
      return {
        sql: `(${clauses.map((clause) => clause.sql).join(" OR ")})`,
        bindings: clauses.flatMap((clause) => clause.bindings),
      };
    }
  }
};
