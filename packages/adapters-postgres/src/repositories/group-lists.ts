import type { Knex } from "knex";

/**
 * Rewrites the group list of one collection or video: each name once, in the order given
 * (the position column keeps that order). An unknown name fails on the foreign key, which the
 * repositories report as a missing AccessGroup.
 */
export const replaceGroupList = async (
  db: Knex.Transaction,
  table: "collection_view_groups" | "collection_admin_groups" | "video_view_groups",
  ownerColumn: "collection_key" | "video_key",
  ownerKey: string,
  names: ReadonlyArray<string>,
): Promise<void> => {
  await db(table).where(ownerColumn, ownerKey).delete();
  const distinct = [...new Set(names)];
  if (distinct.length === 0) return;
  await db(table).insert(
    distinct.map((name, position) => ({ [ownerColumn]: ownerKey, group_name: name, position })),
  );
};
