import { Option } from "effect";
import { describe, expect, it } from "vitest";
import type { Collection } from "../model/collection.js";
import type { EdxEndpointId } from "../model/edx-endpoint.js";
import type { Principal, UserId } from "../model/user.js";
import { anonymous, userPrincipal } from "../model/user.js";
import { collectionListScope } from "../policy/access.js";
import type {
  CollectionListItem,
  CollectionListQuery,
  CollectionOrdering,
} from "../ports/collection-repository.js";
import type { Page, PageRequest } from "../ports/pagination.js";
import { InvalidCursor, firstPage, pageNumber } from "../ports/pagination.js";
import { RecordNotFound, UniqueViolation } from "../ports/persistence-errors.js";
import { aCollection, aUser, aVideo, anEncodeJob } from "../testing/builders.js";
import { EVERYTHING, aNewEdxEndpoint, instant, storeIn } from "../testing/stored-test-data.js";
import {
  byKeyAscending,
  byKeyDescending,
  keysOf,
  sortedKeys,
  walkWithCursors,
  withRepositories,
} from "./repository-contract-support.js";
import { failureOf, found, run } from "../testing/effect-outcomes.js";
import type { MakeRepositories, RepositoryContractSubject } from "./repository-contract-subject.js";

const collectionsOf = (page: Page<CollectionListItem>): ReadonlyArray<Collection> =>
  page.items.map((item) => item.collection);

/**
 * What every CollectionRepository must do. Run it with a factory that returns fresh, empty
 * repositories: `describeCollectionRepositoryContract("postgres", makeRepositories)`.
 */
export const describeCollectionRepositoryContract = (name: string, make: MakeRepositories): void => {
  describe(`CollectionRepository contract: ${name}`, () => {
    const withSubject = withRepositories(make);

    const listAll =
      (subject: RepositoryContractSubject, ordering?: CollectionOrdering) => (request: PageRequest) =>
        subject.collections.list(
          ordering === undefined ? { visibility: EVERYTHING } : { visibility: EVERYTHING, ordering },
          request,
        );

    describe("storing and finding", () => {
      it("keeps every field of a collection, dates and lists included", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const owner = await store.user();
          await store.groups("physics-viewers", "physics-admins", "physics-staff");
          const collection = aCollection()
            .ownedBy(owner)
            .with({
              title: "Physics 8.01",
              slug: "8.01-lec",
              description: "Classical mechanics",
              viewLists: ["physics-viewers", "physics-staff"],
              adminLists: ["physics-admins"],
              isLoggedInOnly: true,
              allowShareOpenedx: true,
              isPublic: true,
              includeInLearn: true,
              forShorts: true,
              streamSource: "Cloudfront",
              edxCourseId: "course-v1:MITx+8.01+2026_Spring",
              scheduleRetranscode: true,
              createdAt: instant(),
              updatedAt: instant(90),
            })
            .build();

          expect(await run(subject.collections.insert(collection))).toEqual(collection);
          expect(await found(subject.collections.findByKey(collection.key))).toEqual(collection);
        }));

      it("keeps null and empty fields as null and empty", () =>
        withSubject(async (subject) => {
          const collection = await storeIn(subject).collection(aCollection());

          const stored = await found(subject.collections.findByKey(collection.key));

          expect(stored).toEqual(collection);
          expect(stored).toMatchObject({
            slug: null,
            description: null,
            streamSource: null,
            edxCourseId: null,
          });
          expect(stored.viewLists).toEqual([]);
          expect(stored.adminLists).toEqual([]);
        }));

      it("answers None for a key nobody stored", () =>
        withSubject(async (subject) => {
          expect(await run(subject.collections.findByKey(aCollection().build().key))).toEqual(Option.none());
        }));

      it("refuses a second collection with the same key", () =>
        withSubject(async (subject) => {
          const first = await storeIn(subject).collection();

          const error = await failureOf(
            subject.collections.insert({ ...aCollection().build(), key: first.key, ownerId: first.ownerId }),
          );

          expect(error).toBeInstanceOf(UniqueViolation);
          expect(error).toMatchObject({ entity: "Collection", field: "key", value: first.key });
        }));

      it("refuses lists that name an access group nobody created, and stores nothing", () =>
        withSubject(async (subject) => {
          const owner = await storeIn(subject).user();
          const collection = aCollection().ownedBy(owner).withAdminLists("no-such-group").build();

          const error = await failureOf(subject.collections.insert(collection));

          expect(error).toBeInstanceOf(RecordNotFound);
          expect(error).toMatchObject({ entity: "AccessGroup", id: "no-such-group" });
          expect(await run(subject.collections.findByKey(collection.key))).toEqual(Option.none());
        }));

      it("refuses an owner who is not a stored user, and stores nothing", () =>
        withSubject(async (subject) => {
          const collection = aCollection()
            .ownedBy(987_654 as UserId)
            .build();

          const error = await failureOf(subject.collections.insert(collection));

          expect(error).toBeInstanceOf(RecordNotFound);
          expect(error).toMatchObject({ entity: "User", id: "987654" });
          expect(await run(subject.collections.findByKey(collection.key))).toEqual(Option.none());
        }));

      it("stores a group named twice in a list once, and keeps the order lists were written in", () =>
        withSubject(async (subject) => {
          const collection = await storeIn(subject).collection(
            aCollection().withViewLists("zeta", "alpha", "zeta", "mu"),
          );

          expect((await found(subject.collections.findByKey(collection.key))).viewLists).toEqual([
            "zeta",
            "alpha",
            "mu",
          ]);
        }));

      it("finds several collections by key and skips unknown keys", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const first = await store.collection();
          const second = await store.collection();
          await store.collection();

          const result = await run(
            subject.collections.findByKeys([second.key, aCollection().build().key, first.key]),
          );

          expect(sortedKeys(result, byKeyAscending)).toEqual(sortedKeys([first, second], byKeyAscending));
        }));

      it("finds the oldest collection with a slug and owner", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const owner = await store.user();
          const stranger = await store.user();
          const newer = await store.collection(
            aCollection().with({ slug: "mit-6.006" }).createdAt(instant(60)),
            owner,
          );
          const oldest = await store.collection(
            aCollection().with({ slug: "mit-6.006" }).createdAt(instant(0)),
            owner,
          );
          await store.collection(aCollection().with({ slug: "mit-6.006" }).createdAt(instant(-60)), stranger);
          await store.collection(aCollection().with({ slug: "mit-6.046" }).createdAt(instant(-120)), owner);

          const match = await found(subject.collections.findBySlugAndOwner("mit-6.006", owner.id));

          expect(match.key).toBe(oldest.key);
          expect(match.key).not.toBe(newer.key);
          expect(await run(subject.collections.findBySlugAndOwner("mit-18.01", owner.id))).toEqual(
            Option.none(),
          );
        }));
    });

    describe("updating", () => {
      it("replaces every field but key and createdAt, and sets updatedAt to the given time", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const collection = await store.collection(
            aCollection().withViewLists("old-viewers").withAdminLists("old-admins").createdAt(instant()),
          );
          const newOwner = await store.user();
          await store.groups("new-viewers", "new-admins");
          const changes: Collection = {
            ...collection,
            title: "Renamed",
            slug: "renamed",
            description: "Now with a description",
            ownerId: newOwner.id,
            viewLists: ["new-viewers"],
            adminLists: ["new-admins", "old-admins"],
            isLoggedInOnly: true,
            allowShareOpenedx: true,
            isPublic: true,
            includeInLearn: true,
            forShorts: true,
            streamSource: "Youtube",
            edxCourseId: "course-v1:MITx+6.00+2026",
            scheduleRetranscode: true,
            createdAt: instant(9999),
            updatedAt: instant(300),
          };

          const updated = await run(subject.collections.update(changes));

          const expected = { ...changes, createdAt: collection.createdAt };
          expect(updated).toEqual(expected);
          expect(await found(subject.collections.findByKey(collection.key))).toEqual(expected);
        }));

      it("fails with RecordNotFound for a collection nobody stored", () =>
        withSubject(async (subject) => {
          const collection = aCollection().build();

          const error = await failureOf(subject.collections.update(collection));

          expect(error).toBeInstanceOf(RecordNotFound);
          expect(error).toMatchObject({ entity: "Collection", id: collection.key });
        }));

      it("refuses a list naming an unknown access group and keeps the stored collection", () =>
        withSubject(async (subject) => {
          const collection = await storeIn(subject).collection(aCollection().withViewLists("viewers"));

          const error = await failureOf(
            subject.collections.update({ ...collection, title: "Changed", viewLists: ["viewers", "ghosts"] }),
          );

          expect(error).toBeInstanceOf(RecordNotFound);
          expect(error).toMatchObject({ entity: "AccessGroup", id: "ghosts" });
          expect(await found(subject.collections.findByKey(collection.key))).toEqual(collection);
        }));
    });

    describe("deleting", () => {
      it("removes the collection with its videos, their files, thumbnails, subtitles, jobs and YouTube rows, and its edX links", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const doomed = await store.collection();
          const kept = await store.collection();
          const video = await store.video(doomed);
          const survivor = await store.video(kept);
          const at = instant();
          await run(
            subject.videoFiles.insert(
              {
                videoKey: video.key,
                s3ObjectKey: "doomed/video.mp4",
                bucketName: "uploads",
                encoding: "original",
              },
              at,
            ),
          );
          await run(
            subject.videoThumbnails.upsertByKey(
              {
                videoKey: video.key,
                s3ObjectKey: "doomed/thumb.jpg",
                bucketName: "thumbs",
                maxWidth: 640,
                maxHeight: 360,
              },
              at,
            ),
          );
          await run(
            subject.videoSubtitles.upsertForLanguage(
              {
                videoKey: video.key,
                language: "en",
                filename: "en.vtt",
                s3ObjectKey: "doomed/en.vtt",
                bucketName: "subs",
              },
              at,
            ),
          );
          const job = await run(subject.encodeJobs.insert(anEncodeJob().forVideo(video).build()));
          await run(
            subject.youtubeVideos.upsert({
              videoKey: video.key,
              youtubeId: "dQw4w9WgXcQ",
              status: "processed",
              createdAt: at,
              updatedAt: at,
            }),
          );
          const endpoint = await run(subject.edxEndpoints.insert(aNewEdxEndpoint("doomed-edx"), at));
          await run(subject.edxEndpoints.link(doomed.key, endpoint.id));
          await run(subject.edxEndpoints.link(kept.key, endpoint.id));

          await run(subject.collections.delete(doomed.key));

          expect(await run(subject.collections.findByKey(doomed.key))).toEqual(Option.none());
          expect(await run(subject.videos.findByKey(video.key))).toEqual(Option.none());
          expect(await run(subject.videoFiles.listForVideo(video.key))).toEqual([]);
          expect(await run(subject.videoThumbnails.listForVideo(video.key))).toEqual([]);
          expect(await run(subject.videoSubtitles.listForVideo(video.key))).toEqual([]);
          expect(await run(subject.encodeJobs.findById(job.id))).toEqual(Option.none());
          expect(await run(subject.youtubeVideos.findByVideo(video.key))).toEqual(Option.none());
          expect(await run(subject.edxEndpoints.listForCollection(doomed.key))).toEqual([]);
          // What belongs to others stays.
          expect((await found(subject.videos.findByKey(survivor.key))).key).toBe(survivor.key);
          expect(keysOfEndpoints(await run(subject.edxEndpoints.listForCollection(kept.key)))).toEqual([
            endpoint.id,
          ]);
          expect(await run(subject.edxEndpoints.findById(endpoint.id))).toSatisfy(Option.isSome);
          // The rows are gone, not hidden: their unique object keys are free again.
          await run(
            subject.videoFiles.insert(
              {
                videoKey: survivor.key,
                s3ObjectKey: "doomed/video.mp4",
                bucketName: "uploads",
                encoding: "original",
              },
              at,
            ),
          );
        }));

      it("fails with RecordNotFound for a collection nobody stored", () =>
        withSubject(async (subject) => {
          const key = aCollection().build().key;

          const error = await failureOf(subject.collections.delete(key));

          expect(error).toBeInstanceOf(RecordNotFound);
          expect(error).toMatchObject({ entity: "Collection", id: key });
        }));
    });

    describe("listing", () => {
      const accessScenario = async (subject: RepositoryContractSubject) => {
        const store = storeIn(subject);
        const owner = await store.user();
        const publicOne = await store.collection(aCollection().public(), owner);
        const forViewers = await store.collection(aCollection().withViewLists("viewers"), owner);
        const forAdmins = await store.collection(aCollection().withAdminLists("admins"), owner);
        const loggedIn = await store.collection(aCollection().loggedInOnly(), owner);
        const closed = await store.collection(aCollection(), owner);
        const visibleTo = async (principal: Principal) =>
          keysOf(
            collectionsOf(
              await run(
                subject.collections.list({ visibility: collectionListScope(principal) }, pageNumber(1, 100)),
              ),
            ),
          );
        const signedIn = async (...groups: ReadonlyArray<string>) =>
          userPrincipal(await store.user(), groups);
        return { owner, publicOne, forViewers, forAdmins, loggedIn, closed, visibleTo, signedIn, store };
      };

      it("shows anonymous visitors no collection, not even a public one", () =>
        withSubject(async (subject) => {
          const { visibleTo } = await accessScenario(subject);

          expect(await visibleTo(anonymous)).toEqual([]);
        }));

      it("shows a signed-in user only the collections whose lists include a group of theirs, not every public or logged-in-only one", () =>
        withSubject(async (subject) => {
          const { visibleTo, signedIn, forViewers, forAdmins } = await accessScenario(subject);

          expect(await visibleTo(await signedIn())).toEqual([]);
          expect(await visibleTo(await signedIn("viewers"))).toEqual([forViewers.key]);
          expect(await visibleTo(await signedIn("admins"))).toEqual([forAdmins.key]);
          expect([...(await visibleTo(await signedIn("viewers", "admins")))].sort()).toEqual(
            [forViewers.key, forAdmins.key].sort(),
          );
        }));

      it("shows owners and superusers every collection", () =>
        withSubject(async (subject) => {
          const { visibleTo, owner, store, ...collections } = await accessScenario(subject);
          const everyKey = [
            collections.publicOne,
            collections.forViewers,
            collections.forAdmins,
            collections.loggedIn,
            collections.closed,
          ]
            .map((collection) => collection.key)
            .sort();
          const superuser = await store.user(aUser().superuser());

          expect([...(await visibleTo(userPrincipal(owner)))].sort()).toEqual(everyKey);
          expect([...(await visibleTo(userPrincipal(superuser)))].sort()).toEqual(everyKey);
        }));

      it("shows nothing through a Nothing filter", () =>
        withSubject(async (subject) => {
          await storeIn(subject).collection(aCollection().public());

          const page = await run(
            subject.collections.list({ visibility: { _tag: "Nothing" } }, pageNumber(1, 10)),
          );

          expect(page).toEqual({ items: [], total: 0, nextCursor: null });
        }));

      it("counts every video of a collection, hidden ones included", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const collection = await store.collection(aCollection().public());
          const empty = await store.collection(aCollection().public());
          await store.video(collection, aVideo().public());
          await store.video(collection, aVideo().private());
          await store.video(collection);

          const page = await run(subject.collections.list({ visibility: EVERYTHING }, pageNumber(1, 10)));

          const counts = Object.fromEntries(page.items.map((item) => [item.collection.key, item.videoCount]));
          expect(counts).toEqual({ [collection.key]: 3, [empty.key]: 0 });
        }));

      it("orders newest first by default, and by created_at, title or -title on request", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const bravo = await store.collection(aCollection().titled("bravo").createdAt(instant(0)));
          const charlie = await store.collection(aCollection().titled("charlie").createdAt(instant(10)));
          const alpha = await store.collection(aCollection().titled("alpha").createdAt(instant(20)));
          const list = async (ordering?: CollectionOrdering) =>
            keysOf(collectionsOf(await run(listAll(subject, ordering)(pageNumber(1, 10)))));

          expect(await list()).toEqual(keysOf([alpha, charlie, bravo]));
          expect(await list("-created_at")).toEqual(keysOf([alpha, charlie, bravo]));
          expect(await list("created_at")).toEqual(keysOf([bravo, charlie, alpha]));
          expect(await list("title")).toEqual(keysOf([alpha, bravo, charlie]));
          expect(await list("-title")).toEqual(keysOf([charlie, bravo, alpha]));
        }));

      it("breaks ties on the sort value by key, in the direction of the ordering", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const twins = [];
          for (let index = 0; index < 4; index += 1) {
            twins.push(await store.collection(aCollection().titled("same").createdAt(instant())));
          }
          const list = async (ordering: CollectionOrdering) =>
            keysOf(collectionsOf(await run(listAll(subject, ordering)(pageNumber(1, 10)))));

          expect(await list("-created_at")).toEqual(sortedKeys(twins, byKeyDescending));
          expect(await list("created_at")).toEqual(sortedKeys(twins, byKeyAscending));
          expect(await list("title")).toEqual(sortedKeys(twins, byKeyAscending));
          expect(await list("-title")).toEqual(sortedKeys(twins, byKeyDescending));
        }));

      it("pages by number, counting every match, with no next cursor on the last page", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const stored = [];
          for (let second = 0; second < 5; second += 1) {
            stored.push(await store.collection(aCollection().createdAt(instant(second))));
          }
          const newestFirst = keysOf([...stored].reverse());
          const list = listAll(subject);

          const first = await run(list(pageNumber(1, 2)));
          const last = await run(list(pageNumber(3, 2)));
          const beyond = await run(list(pageNumber(4, 2)));

          expect(keysOf(collectionsOf(first))).toEqual(newestFirst.slice(0, 2));
          expect(first.total).toBe(5);
          expect(first.nextCursor).not.toBeNull();
          expect(keysOf(collectionsOf(last))).toEqual(newestFirst.slice(4));
          expect(last.nextCursor).toBeNull();
          expect(beyond.items).toEqual([]);
          expect(beyond.total).toBe(5);
        }));

      it("visits every collection exactly once when following cursors, whatever the ordering, also when creation times are shared", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const titles = ["delta", "alpha", "echo", "alpha", "charlie", "bravo", "alpha"];
          for (const [index, title] of titles.entries()) {
            await store.collection(
              aCollection()
                .titled(title)
                .createdAt(instant(index < 4 ? 0 : index)),
            );
          }

          for (const ordering of ["-created_at", "created_at", "title", "-title"] as const) {
            const everything = keysOf(
              collectionsOf(await run(listAll(subject, ordering)(pageNumber(1, 100)))),
            );
            const walked = await walkWithCursors(listAll(subject, ordering), 2);
            expect(keysOf(walked.map((item) => item.collection))).toEqual(everything);
          }
        }));

      it("refuses a cursor it did not make, or one made for another ordering", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          await store.collection();
          await store.collection();
          const page = await run(listAll(subject)(firstPage(1)));
          const cursor = page.nextCursor ?? "";

          const garbage = await failureOf(
            listAll(subject)({ _tag: "After", cursor: "not a cursor", size: 1 }),
          );
          const foreign = await failureOf(listAll(subject, "title")({ _tag: "After", cursor, size: 1 }));

          expect(cursor).not.toBe("");
          expect(garbage).toBeInstanceOf(InvalidCursor);
          expect(foreign).toBeInstanceOf(InvalidCursor);
        }));

      it("filters by title, slug, description and edX course id, case-insensitively anywhere in the field", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const physics = await store.collection(
            aCollection().titled("Physics 8.01").with({
              slug: "8.01-lec",
              description: "Classical MECHANICS",
              edxCourseId: "course-v1:MITx+8.01+2026",
            }),
          );
          const chemistry = await store.collection(
            aCollection()
              .titled("Chemistry 5.111")
              .with({ slug: "5.111-lec", description: "Atoms", edxCourseId: "course-v1:MITx+5.111+2026" }),
          );
          await store.collection(aCollection().titled("Untitled notes"));
          const matching = async (filters: Omit<CollectionListQuery, "visibility">) =>
            [
              ...keysOf(
                collectionsOf(
                  await run(
                    subject.collections.list({ visibility: EVERYTHING, ...filters }, pageNumber(1, 10)),
                  ),
                ),
              ),
            ].sort();

          expect(await matching({ titleContains: "PHYSICS" })).toEqual([physics.key]);
          expect(await matching({ slugContains: "-LEC" })).toEqual([physics.key, chemistry.key].sort());
          expect(await matching({ descriptionContains: "mechanics" })).toEqual([physics.key]);
          expect(await matching({ edxCourseIdContains: "+5.111+" })).toEqual([chemistry.key]);
          // A field that is null never matches, and filters combine with AND.
          expect(await matching({ slugContains: "" })).toEqual([physics.key, chemistry.key].sort());
          expect(await matching({ titleContains: "physics", descriptionContains: "atoms" })).toEqual([]);
        }));

      it("filters by a linked edX endpoint", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const linked = await store.collection();
          const elsewhere = await store.collection();
          await store.collection();
          const learn = await run(subject.edxEndpoints.insert(aNewEdxEndpoint("filter-learn"), instant()));
          const xpro = await run(subject.edxEndpoints.insert(aNewEdxEndpoint("filter-xpro"), instant()));
          await run(subject.edxEndpoints.link(linked.key, learn.id));
          await run(subject.edxEndpoints.link(elsewhere.key, xpro.id));

          const page = await run(
            subject.collections.list({ visibility: EVERYTHING, edxEndpointId: learn.id }, pageNumber(1, 10)),
          );

          expect(keysOf(collectionsOf(page))).toEqual([linked.key]);
          expect(page.total).toBe(1);
        }));

      it("searches the collection's own text and the titles and descriptions of its videos, listing each collection once", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const byTitle = await store.collection(aCollection().titled("Quantum field theory"));
          const bySlug = await store.collection(aCollection().with({ slug: "quantum-lec" }));
          const byCourse = await store.collection(aCollection().withEdxCourse("course-v1:MITx+QUANTUM+1"));
          const byDescription = await store.collection(aCollection().with({ description: "quantum basics" }));
          const byVideos = await store.collection();
          await store.video(byVideos, aVideo().titled("Quantum tunnelling"));
          await store.video(byVideos, aVideo().describedAs("More on quantum states"));
          const byVideoDescription = await store.collection();
          await store.video(byVideoDescription, aVideo().describedAs("QUANTUM"));
          const unrelated = await store.collection(aCollection().titled("Classical"));
          await store.video(unrelated, aVideo().titled("Newton"));

          const page = await run(
            subject.collections.list({ visibility: EVERYTHING, search: "quantum" }, pageNumber(1, 20)),
          );

          expect([...keysOf(collectionsOf(page))].sort()).toEqual(
            keysOf([byTitle, bySlug, byCourse, byDescription, byVideos, byVideoDescription]).slice().sort(),
          );
          expect(page.total).toBe(6);
        }));

      it("applies the filters before paging, so counts and cursors cover only the matches", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const matches = [];
          for (let second = 0; second < 5; second += 1) {
            matches.push(
              await store.collection(aCollection().titled(`Lecture ${second}`).createdAt(instant(second))),
            );
            await store.collection(aCollection().titled(`Recitation ${second}`).createdAt(instant(second)));
          }
          const list = (request: PageRequest) =>
            subject.collections.list({ visibility: EVERYTHING, titleContains: "lecture" }, request);

          const first = await run(list(pageNumber(1, 2)));
          const walked = await walkWithCursors(list, 2);

          expect(first.total).toBe(5);
          expect(keysOf(walked.map((item) => item.collection))).toEqual(keysOf([...matches].reverse()));
        }));

      it("applies the filters together with the access filter", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const visible = await store.collection(
            aCollection().titled("Viewed lecture").withViewLists("viewers"),
          );
          await store.collection(aCollection().titled("Closed lecture"));
          await store.collection(aCollection().titled("Viewed notes").withViewLists("viewers"));
          const viewer = userPrincipal(await store.user(), ["viewers"]);

          const page = await run(
            subject.collections.list(
              { visibility: collectionListScope(viewer), titleContains: "lecture" },
              pageNumber(1, 10),
            ),
          );

          expect(keysOf(collectionsOf(page))).toEqual([visible.key]);
        }));

      it("lists the collections flagged for retranscoding", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const flagged = await store.collection(aCollection().with({ scheduleRetranscode: true }));
          await store.collection();

          expect(keysOf(await run(subject.collections.listScheduledForRetranscode()))).toEqual([flagged.key]);
        }));
    });
  });
};

const keysOfEndpoints = (
  endpoints: ReadonlyArray<{ readonly id: EdxEndpointId }>,
): ReadonlyArray<EdxEndpointId> => endpoints.map((endpoint) => endpoint.id);
