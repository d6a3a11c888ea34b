import { Effect } from "effect";
import type { AccessGroup } from "../../model/access-group.js";
import type { GroupName } from "../../model/fields.js";
import type { AccessGroupRepository } from "../../ports/access-group-repository.js";
import type { InMemoryDatabase } from "./in-memory-database.js";
import { copyRow, distinct } from "./in-memory-rows.js";

/** Access-group names in the shared in-memory tables; names are unique and case-sensitive. */
export class InMemoryAccessGroupRepository implements AccessGroupRepository {
  constructor(private readonly database: InMemoryDatabase) {}

  private get groups(): Map<string, AccessGroup> {
    return this.database.tables.accessGroups;
  }

  ensure(names: ReadonlyArray<GroupName>, at: Date): Effect.Effect<ReadonlyArray<AccessGroup>> {
    return Effect.sync(() =>
      distinct(names).map((name) => {
        const existing = this.groups.get(name);
        if (existing !== undefined) return copyRow(existing);
        const created = copyRow({ name, createdAt: at, updatedAt: at });
        this.groups.set(name, created);
        return copyRow(created);
      }),
    );
  }

  findByNames(names: ReadonlyArray<GroupName>): Effect.Effect<ReadonlyArray<AccessGroup>> {
    return Effect.sync(() =>
      distinct(names).flatMap((name) => {
        const group = this.groups.get(name);
        return group === undefined ? [] : [copyRow(group)];
      }),
    );
  }

  list(): Effect.Effect<ReadonlyArray<AccessGroup>> {
    return Effect.sync(() =>
      [...this.groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map(copyRow),
    );
  }
}
