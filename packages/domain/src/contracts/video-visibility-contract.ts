import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Collection } from "../model/collection.js";
import type { Principal, User } from "../model/user.js";
import { anonymous, userPrincipal } from "../model/user.js";
import type { Video } from "../model/video.js";
import {
  canViewCollection,
  canViewVideo,
  collectionVisibilityFilter,
  videoVisibilityFilter,
} from "../policy/access.js";
import { firstPage } from "../ports/pagination.js";
import { aCollection, aUser, aVideo } from "../testing/builders.js";
import { run } from "../testing/effect-outcomes.js";
import { storeIn } from "../testing/stored-test-data.js";
import { walkWithCursors, withRepositories } from "./repository-contract-support.js";
import type { MakeRepositories } from "./repository-contract-subject.js";

const GROUPS = ["g1", "g2", "g3", "g4"] as const;
const groupList = fc.uniqueArray(fc.constantFrom(...GROUPS), { maxLength: 2 });
const collectionShape = fc.record({
  owner: fc.nat(2),
  viewLists: groupList,
  adminLists: groupList,
  isLoggedInOnly: fc.boolean(),
  isPublic: fc.boolean(),
});
const videoShape = fc.record({
  collection: fc.nat(4),
  isPublic: fc.boolean(),
  isPrivate: fc.boolean(),
  isLoggedInOnly: fc.boolean(),
  viewLists: groupList,
});
const principalShape = fc.record({
  user: fc.option(fc.nat(2), { nil: undefined }),
  isSuperuser: fc.boolean(),
  groups: groupList,
});
const world = fc.record({
  collections: fc.array(collectionShape, { minLength: 5, maxLength: 5 }),
  videos: fc.array(videoShape, { minLength: 1, maxLength: 12 }),
  principals: fc.array(principalShape, { minLength: 3, maxLength: 3 }),
});

/**
 * The property ARCHITECTURE.md §6.5 asks for, held by the store itself: for random collections,
 * videos, groups and principals, a video appears in the principal's list exactly when
 * `canViewVideo` allows it (and a collection exactly when `canViewCollection` does). The store
 * translates the data form of the rules into its own query, so this catches a translation
 * that drifts from the decision function.
 */
export const describeVideoVisibilityContract = (
  name: string,
  make: MakeRepositories,
  options: { readonly runs?: number } = {},
): void => {
  describe(`Visibility contract: ${name}`, () => {
    it("lists exactly the videos and collections each principal may view", async () => {
      await fc.assert(
        fc.asyncProperty(world, async (shape) =>
          withRepositories(make)(async (subject) => {
            const store = storeIn(subject);
            const users: Array<User> = [];
            for (let index = 0; index < 3; index += 1) users.push(await store.user(aUser()));
            const collections: Array<Collection> = [];
            for (const spec of shape.collections) {
              const builder = aCollection()
                .withViewLists(...spec.viewLists)
                .withAdminLists(...spec.adminLists)
                .with({ isLoggedInOnly: spec.isLoggedInOnly, isPublic: spec.isPublic });
              collections.push(await store.collection(builder, users[spec.owner]));
            }
            const videos: Array<Video> = [];
            for (const spec of shape.videos) {
              const parent = collections[spec.collection] as Collection;
              const builder = aVideo()
                .withViewLists(...spec.viewLists)
                .with({
                  isPublic: spec.isPublic,
                  isPrivate: spec.isPrivate,
                  isLoggedInOnly: spec.isLoggedInOnly,
                });
              videos.push(await store.video(parent, builder));
            }
            const collectionOf = new Map(collections.map((collection) => [collection.key, collection]));
            const principals: ReadonlyArray<Principal> = [
              anonymous,
              ...shape.principals.map((spec) => {
                const user = spec.user === undefined ? undefined : users[spec.user];
                return user === undefined
                  ? anonymous
                  : userPrincipal({ ...user, isSuperuser: spec.isSuperuser }, spec.groups);
              }),
            ];
            for (const principal of principals) {
              const listed = await walkWithCursors(
                (page) => subject.videos.list({ visibility: videoVisibilityFilter(principal) }, page),
                5,
              );
              const expected = videos.filter((video) =>
                canViewVideo(principal, video, collectionOf.get(video.collectionKey) as Collection),
              );
              expect(new Set(listed.map((video) => video.key))).toEqual(
                new Set(expected.map((video) => video.key)),
              );
              expect(listed).toHaveLength(expected.length);

              const listedCollections = await run(
                subject.collections.list(
                  { visibility: collectionVisibilityFilter(principal) },
                  firstPage(100),
                ),
              );
              expect(new Set(listedCollections.items.map((item) => item.collection.key))).toEqual(
                new Set(
                  collections
                    .filter((collection) => canViewCollection(principal, collection))
                    .map((c) => c.key),
                ),
              );
            }
          }),
        ),
        { numRuns: options.runs ?? 40 },
      );
    }, 120_000);
  });
};
