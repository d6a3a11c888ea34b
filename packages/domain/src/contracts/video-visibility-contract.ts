import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Collection } from "../model/collection.js";
import type { Principal, User } from "../model/user.js";
import { anonymous, userPrincipal } from "../model/user.js";
import type { Video } from "../model/video.js";
import {
  canViewCollection,
  canViewVideo,
  collectionListScope,
  inCollectionListScope,
  videoVisibilityFilter,
} from "../policy/access.js";
import { firstPage } from "../ports/pagination.js";
import { aCollection, aUser, aVideo } from "../testing/builders.js";
import { run } from "../testing/effect-outcomes.js";
import { storeIn } from "../testing/stored-test-data.js";
import { keysOf, walkWithCursors, withRepositories } from "./repository-contract-support.js";
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
 * The property docs/architecture.md §6.5 asks for, held by the store itself: for random collections,
 * videos, groups and principals, a video appears in the principal's list exactly when
 * `canViewVideo` allows it; a collection appears exactly when it is in the principal's list
 * scope (`inCollectionListScope`), and never when `canViewCollection` refuses it. The store
 * translates the data form of the rules into its own query, so this catches a translation
 * that drifts from the decision function. Random data rarely pins the rules a wrong reading
 * would break in the decision function and the filter alike, so examples pin those.
 */
export const describeVideoVisibilityContract = (
  name: string,
  make: MakeRepositories,
  options: { readonly runs?: number } = {},
): void => {
  describe(`Visibility contract: ${name}`, () => {
    it("lists exactly the videos each principal may view, and the collections in their list scope", async () => {
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

              const listedCollections = (
                await run(
                  subject.collections.list({ visibility: collectionListScope(principal) }, firstPage(100)),
                )
              ).items.map((item) => item.collection);
              // The list may show less than the detail admits, never more.
              for (const collection of listedCollections) {
                expect(canViewCollection(principal, collection)).toBe(true);
              }
              expect(new Set(keysOf(listedCollections))).toEqual(
                new Set(
                  keysOf(collections.filter((collection) => inCollectionListScope(principal, collection))),
                ),
              );
              expect(listedCollections).toHaveLength(new Set(keysOf(listedCollections)).size);
            }
          }),
        ),
        { numRuns: options.runs ?? 40 },
      );
    }, 120_000);

    it("lists a private video only to those who may see private videos, even when it or its collection is logged-in-only", () =>
      withRepositories(make)(async (subject) => {
        const store = storeIn(subject);
        const owner = await store.user(aUser());
        const lists = (builder: ReturnType<typeof aCollection>) =>
          builder.withAdminLists("admins").withViewLists("viewers");
        const loggedInCollection = await store.collection(lists(aCollection().loggedInOnly()), owner);
        const plainCollection = await store.collection(lists(aCollection()), owner);
        const privateInLoggedInCollection = await store.video(loggedInCollection, aVideo().private());
        const privateLoggedInVideo = await store.video(plainCollection, aVideo().private().loggedInOnly());
        const loggedInVideo = await store.video(plainCollection, aVideo().loggedInOnly());
        const everyVideo = [privateInLoggedInCollection, privateLoggedInVideo, loggedInVideo];
        const listedTo = async (principal: Principal) =>
          new Set(
            keysOf(
              await walkWithCursors(
                (page) => subject.videos.list({ visibility: videoVisibilityFilter(principal) }, page),
                5,
              ),
            ),
          );
        const signedIn = async (...groups: ReadonlyArray<string>) =>
          userPrincipal(await store.user(aUser()), groups);

        const allowed = new Set(keysOf(everyVideo));
        const signedInOnly = new Set([loggedInVideo.key]);
        expect(await listedTo(userPrincipal(owner))).toEqual(allowed);
        expect(await listedTo(await signedIn("admins"))).toEqual(allowed);
        expect(await listedTo(userPrincipal({ ...(await store.user(aUser())), isSuperuser: true }))).toEqual(
          allowed,
        );
        expect(await listedTo(await signedIn())).toEqual(signedInOnly);
        expect(await listedTo(await signedIn("viewers"))).toEqual(signedInOnly);
        expect(await listedTo(anonymous)).toEqual(new Set());
      }));
  });
};
