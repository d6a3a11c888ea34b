import type { Effect } from "effect";
import type { Knex } from "knex";
import type { AccessGroup, AccessGroupRepository, GroupName, PersistenceFailure } from "@ovs/domain";
import type { Timestamp } from "../rows.js";
import { toDate } from "../rows.js";
import type { SqlContext } from "../sql-context.js";

interface AccessGroupRow {
  readonly name: string;
  readonly created_at: Timestamp;
  readonly updated_at: Timestamp;
}
const accessGroupOf = (row: AccessGroupRow): AccessGroup => ({
  name: row.name,
  createdAt: toDate(row.created_at),
  updatedAt: toDate(row.updated_at),
});

export class PostgresAccessGroupRepository implements AccessGroupRepository {
  constructor(private readonly sql: SqlContext) {}

  ensure(
    names: ReadonlyArray<GroupName>,
    at: Date,
  ): Effect.Effect<ReadonlyArray<AccessGroup>, PersistenceFailure> {
    return this.sql.statement("ensure access groups", async (db) => {
      const distinct = [...new Set(names)];
      if (distinct.length === 0) return [];
      await db("access_groups")
        .insert(distinct.map((name) => ({ name, created_at: at, updated_at: at })))
        .onConflict("name")
        .ignore();
      return this.byNames(db, distinct);
    });
  }

  private async byNames(db: Knex, names: ReadonlyArray<string>): Promise<ReadonlyArray<AccessGroup>> {
    const rows: ReadonlyArray<AccessGroupRow> = await db("access_groups").whereIn("name", [...names]);
    const byName = new Map(rows.map((row) => [row.name, accessGroupOf(row)]));
    return names.flatMap((name) => {
      const group = byName.get(name);
      return group === undefined ? [] : [group];
    });
  }

  findByNames(
    names: ReadonlyArray<GroupName>,
  ): Effect.Effect<ReadonlyArray<AccessGroup>, PersistenceFailure> {
    return this.sql.statement("find access groups", (db) => {
      const distinct = [...new Set(names)];
      return distinct.length === 0 ? Promise.resolve([]) : this.byNames(db, distinct);
    });
  }

  list(): Effect.Effect<ReadonlyArray<AccessGroup>, PersistenceFailure> {
    return this.sql.statement("list access groups", async (db) => {
      const rows: ReadonlyArray<AccessGroupRow> = await db("access_groups").orderByRaw(`name COLLATE "C"`);
      return rows.map(accessGroupOf);
    });
  }
}
