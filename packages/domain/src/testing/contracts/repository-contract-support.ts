import { Effect, Option, Redacted } from "effect";
import type { Collection } from "../../model/collection.js";
import type { NewEdxEndpoint } from "../../ports/edx-endpoint-repository.js";
import type { User } from "../../model/user.js";
import type { Video } from "../../model/video.js";
import type { VisibilityFilter } from "../../policy/access.js";
import type { Page, PageRequest } from "../../ports/pagination.js";
import { after } from "../../ports/pagination.js";
import type { CollectionBuilder, UserBuilder, VideoBuilder } from "../builders.js";
import { aCollection, aUser, aVideo } from "../builders.js";
import { withFreshSubject } from "./contract-support.js";
import type { MakeRepositories, RepositoryContractSubject } from "./repository-contract-subject.js";

export { failureOf } from "./contract-support.js";

/** Helpers the repository contract suites share; nothing here knows about any one adapter. */

export const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect);

/** The value inside a found option; None fails the test. */
export const found = async <A, E>(effect: Effect.Effect<Option.Option<A>, E>): Promise<A> => {
  const option = await run(effect);
  if (Option.isNone(option)) throw new Error("expected a record, found none");
  return option.value;
};

/** Runs one test on fresh repositories and disposes of them afterwards. */
export const withRepositories = (make: MakeRepositories) => withFreshSubject(make);

/** Every row, for tests that are not about access. */
export const EVERYTHING: VisibilityFilter = { _tag: "Everything" };

/** A fixed instant plus some seconds: timestamps with milliseconds, as a database returns them. */
export const instant = (seconds = 0): Date =>
  new Date(Date.parse("2026-03-02T09:15:30.250Z") + seconds * 1000);

/**
 * Stores test data the way the application would: users by sign-in, access groups before the
 * collections and videos that name them, videos inside a stored collection.
 */
export const storeIn = (
  subject: Pick<RepositoryContractSubject, "users" | "accessGroups" | "collections" | "videos">,
) => {
  const user = (builder: UserBuilder = aUser()): Promise<User> => {
    const draft = builder.build();
    return run(
      subject.users.upsertByUsername(
        {
          username: draft.username,
          email: draft.email,
          isSuperuser: draft.isSuperuser,
          isStaff: draft.isStaff,
        },
        draft.createdAt,
      ),
    );
  };
  const groups = async (...names: ReadonlyArray<string>): Promise<void> => {
    await run(subject.accessGroups.ensure(names, instant()));
  };
  /** A collection owned by `owner`, or by a user signed up for it. */
  const collection = async (
    builder: CollectionBuilder = aCollection(),
    owner?: User,
  ): Promise<Collection> => {
    const ownerId = (owner ?? (await user())).id;
    const draft = builder.ownedBy(ownerId).build();
    await groups(...draft.viewLists, ...draft.adminLists);
    return run(subject.collections.insert(draft));
  };
  const video = async (parent: Collection, builder: VideoBuilder = aVideo()): Promise<Video> => {
    const draft = builder.inCollection(parent).build();
    await groups(...draft.viewLists);
    return run(subject.videos.insert(draft));
  };
  return { user, groups, collection, video };
};

/** Follows `nextCursor` from a page (the first by default) to the last; returns every item in order. */
export const walkWithCursors = async <T, E>(
  list: (request: PageRequest) => Effect.Effect<Page<T>, E>,
  size: number,
  from: string | null = null,
): Promise<ReadonlyArray<T>> => {
  const items: Array<T> = [];
  let cursor = from;
  for (let pages = 0; pages < 1000; pages += 1) {
    const page: Page<T> = await run(list(after(cursor, size)));
    items.push(...page.items);
    if (page.nextCursor === null) return items;
    cursor = page.nextCursor;
  }
  throw new Error("the cursor walk did not reach a last page");
};

export const keysOf = (rows: ReadonlyArray<{ readonly key: string }>): ReadonlyArray<string> =>
  rows.map((row) => row.key);

/** Keys in the given order, for comparing a listing with the expected sort. */
export const sortedKeys = (
  rows: ReadonlyArray<{ readonly key: string }>,
  compare: (a: { readonly key: string }, b: { readonly key: string }) => number,
): ReadonlyArray<string> => [...rows].sort(compare).map((row) => row.key);

export const byKeyAscending = (a: { readonly key: string }, b: { readonly key: string }): number =>
  a.key < b.key ? -1 : a.key > b.key ? 1 : 0;

export const byKeyDescending = (a: { readonly key: string }, b: { readonly key: string }): number =>
  byKeyAscending(b, a);

/** An edX endpoint with a unique name (at most 20 characters) and no cached token. */
export const anEdxEndpoint = (name: string, overrides: Partial<NewEdxEndpoint> = {}): NewEdxEndpoint => ({
  name,
  baseUrl: "https://courses.learn.example.edu",
  edxVideoApiPath: "/api/val/v0/videos/",
  clientId: Redacted.make(`${name}-client`),
  secretKey: Redacted.make(`${name}-secret`),
  accessToken: null,
  accessTokenExpiresAt: null,
  isGlobalDefault: false,
  ...overrides,
});
