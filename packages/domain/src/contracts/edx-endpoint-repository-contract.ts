import { Option, Redacted } from "effect";
import { describe, expect, it } from "vitest";
import type { EdxEndpoint, EdxEndpointId } from "../model/edx-endpoint.js";
import { RecordNotFound, UniqueViolation } from "../ports/persistence-errors.js";
import { aCollection } from "../testing/builders.js";
import { aNewEdxEndpoint, instant, storeIn } from "../testing/stored-test-data.js";
import { failureOf, found, run } from "../testing/effect-outcomes.js";
import { withRepositories } from "./repository-contract-support.js";
import type { MakeRepositories } from "./repository-contract-subject.js";

/** An endpoint with its secrets revealed, for comparing what was stored with what came back. */
const revealed = (endpoint: EdxEndpoint) => ({
  ...endpoint,
  clientId: Redacted.value(endpoint.clientId),
  secretKey: Redacted.value(endpoint.secretKey),
  accessToken: endpoint.accessToken === null ? null : Redacted.value(endpoint.accessToken),
});

const idsOf = (endpoints: ReadonlyArray<EdxEndpoint>): ReadonlyArray<EdxEndpointId> =>
  endpoints.map((endpoint) => endpoint.id);

/**
 * What every EdxEndpointRepository must do. Run it with a factory that returns fresh, empty
 * repositories: `describeEdxEndpointRepositoryContract("postgres", makeRepositories)`.
 */
export const describeEdxEndpointRepositoryContract = (name: string, make: MakeRepositories): void => {
  describe(`EdxEndpointRepository contract: ${name}`, () => {
    const withSubject = withRepositories(make);

    it("stores an endpoint with every field, secrets included, and finds it by id", () =>
      withSubject(async (subject) => {
        const draft = aNewEdxEndpoint("mitx-online", {
          baseUrl: "https://courses.xpro.example.edu/",
          edxVideoApiPath: "/custom/videos/",
          clientId: Redacted.make("client-id-123"),
          secretKey: Redacted.make("s3cr3t-value"),
          accessToken: Redacted.make("eyJhbGciOi.token"),
          accessTokenExpiresAt: instant(3600),
          isGlobalDefault: true,
        });

        const endpoint = await run(subject.edxEndpoints.insert(draft, instant()));

        expect(revealed(endpoint)).toEqual({
          id: endpoint.id,
          name: "mitx-online",
          baseUrl: "https://courses.xpro.example.edu/",
          edxVideoApiPath: "/custom/videos/",
          clientId: "client-id-123",
          secretKey: "s3cr3t-value",
          credentialsReadable: true,
          accessToken: "eyJhbGciOi.token",
          accessTokenExpiresAt: instant(3600),
          isGlobalDefault: true,
          createdAt: instant(),
          updatedAt: instant(),
        });
        expect(revealed(await found(subject.edxEndpoints.findById(endpoint.id)))).toEqual(revealed(endpoint));
      }));

    it("keeps an endpoint without a token with null token fields", () =>
      withSubject(async (subject) => {
        const endpoint = await run(subject.edxEndpoints.insert(aNewEdxEndpoint("fresh"), instant()));

        expect(await found(subject.edxEndpoints.findById(endpoint.id))).toMatchObject({
          accessToken: null,
          accessTokenExpiresAt: null,
        });
      }));

    it("refuses a second endpoint with the same name", () =>
      withSubject(async (subject) => {
        await run(subject.edxEndpoints.insert(aNewEdxEndpoint("learn"), instant()));

        const error = await failureOf(subject.edxEndpoints.insert(aNewEdxEndpoint("learn"), instant()));

        expect(error).toBeInstanceOf(UniqueViolation);
        expect(error).toMatchObject({ entity: "EdxEndpoint", field: "name", value: "learn" });
        expect(await run(subject.edxEndpoints.list())).toHaveLength(1);
      }));

    it("answers None for an id nobody stored and lists every endpoint", () =>
      withSubject(async (subject) => {
        const first = await run(subject.edxEndpoints.insert(aNewEdxEndpoint("first"), instant()));
        const second = await run(subject.edxEndpoints.insert(aNewEdxEndpoint("second"), instant()));

        expect(
          await run(subject.edxEndpoints.findById((first.id + second.id + 1000) as EdxEndpointId)),
        ).toEqual(Option.none());
        expect([...idsOf(await run(subject.edxEndpoints.list()))].sort()).toEqual(
          [first.id, second.id].sort(),
        );
      }));

    describe("changes", () => {
      it("changes the fields given, keeps the others and sets updatedAt", () =>
        withSubject(async (subject) => {
          const endpoint = await run(
            subject.edxEndpoints.insert(
              aNewEdxEndpoint("before", {
                accessToken: Redacted.make("cached-jwt"),
                accessTokenExpiresAt: instant(3600),
              }),
              instant(),
            ),
          );

          const changed = await run(
            subject.edxEndpoints.update(
              endpoint.id,
              { name: "after", edxVideoApiPath: "/custom/videos/" },
              instant(30),
            ),
          );

          expect(revealed(changed)).toEqual({
            ...revealed(endpoint),
            name: "after",
            edxVideoApiPath: "/custom/videos/",
            updatedAt: instant(30),
          });
          expect(revealed(await found(subject.edxEndpoints.findById(endpoint.id)))).toEqual(
            revealed(changed),
          );
        }));

      it("forgets the cached token when credentials are re-entered", () =>
        withSubject(async (subject) => {
          const endpoint = await run(subject.edxEndpoints.insert(aNewEdxEndpoint("rotated"), instant()));
          await run(
            subject.edxEndpoints.saveToken(endpoint.id, Redacted.make("old-jwt"), instant(3600), instant(1)),
          );

          const changed = await run(
            subject.edxEndpoints.update(
              endpoint.id,
              { clientId: Redacted.make("new-client"), secretKey: Redacted.make("new-secret") },
              instant(2),
            ),
          );

          expect(revealed(changed)).toMatchObject({
            clientId: "new-client",
            secretKey: "new-secret",
            credentialsReadable: true,
            accessToken: null,
            accessTokenExpiresAt: null,
          });
          expect(revealed(await found(subject.edxEndpoints.findById(endpoint.id)))).toEqual(
            revealed(changed),
          );
        }));

      it("forgets the cached token for one credential or a new base URL, and keeps it otherwise", () =>
        withSubject(async (subject) => {
          const insertWithToken = async (name: string) => {
            const endpoint = await run(subject.edxEndpoints.insert(aNewEdxEndpoint(name), instant()));
            await run(
              subject.edxEndpoints.saveToken(endpoint.id, Redacted.make("jwt"), instant(3600), instant(1)),
            );
            return endpoint;
          };
          const secretOnly = await insertWithToken("secret-only");
          const moved = await insertWithToken("moved");
          const renamed = await insertWithToken("renamed");

          await run(
            subject.edxEndpoints.update(secretOnly.id, { secretKey: Redacted.make("rotated") }, instant(2)),
          );
          await run(
            subject.edxEndpoints.update(
              moved.id,
              { baseUrl: "https://courses.xpro.example.edu" },
              instant(2),
            ),
          );
          await run(subject.edxEndpoints.update(renamed.id, { name: "renamed-again" }, instant(2)));

          expect(revealed(await found(subject.edxEndpoints.findById(secretOnly.id)))).toMatchObject({
            clientId: "secret-only-client",
            secretKey: "rotated",
            accessToken: null,
          });
          expect(await found(subject.edxEndpoints.findById(moved.id))).toMatchObject({
            baseUrl: "https://courses.xpro.example.edu",
            accessToken: null,
            accessTokenExpiresAt: null,
          });
          expect(revealed(await found(subject.edxEndpoints.findById(renamed.id)))).toMatchObject({
            name: "renamed-again",
            accessToken: "jwt",
            accessTokenExpiresAt: instant(3600),
          });
        }));

      it("refuses another endpoint's name and changes nothing, but takes the endpoint's own", () =>
        withSubject(async (subject) => {
          await run(subject.edxEndpoints.insert(aNewEdxEndpoint("learn"), instant()));
          const xpro = await run(subject.edxEndpoints.insert(aNewEdxEndpoint("xpro"), instant()));

          const error = await failureOf(
            subject.edxEndpoints.update(
              xpro.id,
              { name: "learn", baseUrl: "https://elsewhere.example.edu" },
              instant(5),
            ),
          );
          const same = await run(subject.edxEndpoints.update(xpro.id, { name: "xpro" }, instant(6)));

          expect(error).toBeInstanceOf(UniqueViolation);
          expect(error).toMatchObject({ entity: "EdxEndpoint", field: "name", value: "learn" });
          expect(same).toMatchObject({ name: "xpro", baseUrl: xpro.baseUrl, updatedAt: instant(6) });
        }));

      it("fails with RecordNotFound for an endpoint that does not exist", () =>
        withSubject(async (subject) => {
          const error = await failureOf(
            subject.edxEndpoints.update(424_242 as EdxEndpointId, { name: "ghost" }, instant()),
          );

          expect(error).toMatchObject({ _tag: "RecordNotFound", entity: "EdxEndpoint", id: "424242" });
        }));
    });

    describe("deletion", () => {
      it("deletes an endpoint with its links and post records, and leaves the others' alone", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const collection = await store.collection();
          const video = await store.video(collection);
          const doomed = await run(subject.edxEndpoints.insert(aNewEdxEndpoint("doomed"), instant()));
          const kept = await run(subject.edxEndpoints.insert(aNewEdxEndpoint("kept"), instant()));
          await run(subject.edxEndpoints.link(collection.key, doomed.id));
          await run(subject.edxEndpoints.link(collection.key, kept.id));
          for (const endpoint of [doomed, kept]) {
            await run(
              subject.edxPostRecords.record({
                videoKey: video.key,
                edxEndpointId: endpoint.id,
                outcome: { _tag: "Created", status: 201 },
                attempt: 1,
                postedAt: instant(),
              }),
            );
          }

          await run(subject.edxEndpoints.delete(doomed.id));

          expect(await run(subject.edxEndpoints.findById(doomed.id))).toEqual(Option.none());
          expect(idsOf(await run(subject.edxEndpoints.list()))).toEqual([kept.id]);
          expect(idsOf(await run(subject.edxEndpoints.listForCollection(collection.key)))).toEqual([kept.id]);
          expect(
            (await run(subject.edxPostRecords.listForVideo(video.key))).map((record) => record.edxEndpointId),
          ).toEqual([kept.id]);
        }));

      it("fails with RecordNotFound for an endpoint that does not exist", () =>
        withSubject(async (subject) => {
          const endpoint = await run(subject.edxEndpoints.insert(aNewEdxEndpoint("learn"), instant()));
          await run(subject.edxEndpoints.delete(endpoint.id));

          const error = await failureOf(subject.edxEndpoints.delete(endpoint.id));

          expect(error).toMatchObject({
            _tag: "RecordNotFound",
            entity: "EdxEndpoint",
            id: String(endpoint.id),
          });
        }));
    });

    describe("links to collections", () => {
      it("counts the collections each endpoint is linked to, leaving out endpoints without links", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const [first, second] = [await store.collection(), await store.collection()];
          const learn = await run(subject.edxEndpoints.insert(aNewEdxEndpoint("learn"), instant()));
          const xpro = await run(subject.edxEndpoints.insert(aNewEdxEndpoint("xpro"), instant()));
          const unused = await run(subject.edxEndpoints.insert(aNewEdxEndpoint("unused"), instant()));
          await run(subject.edxEndpoints.link(first.key, learn.id));
          await run(subject.edxEndpoints.link(second.key, learn.id));
          await run(subject.edxEndpoints.link(second.key, xpro.id));

          const counts = await run(subject.edxEndpoints.linkedCollectionCounts());

          expect(new Map(counts)).toEqual(
            new Map([
              [learn.id, 2],
              [xpro.id, 1],
            ]),
          );
          expect(counts.has(unused.id)).toBe(false);
        }));

      it("lists a collection's endpoints in link order, and linking twice changes nothing", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const collection = await store.collection();
          const other = await store.collection();
          const learn = await run(subject.edxEndpoints.insert(aNewEdxEndpoint("learn"), instant()));
          const xpro = await run(subject.edxEndpoints.insert(aNewEdxEndpoint("xpro"), instant()));
          const unused = await run(subject.edxEndpoints.insert(aNewEdxEndpoint("unused"), instant()));

          await run(subject.edxEndpoints.link(collection.key, xpro.id));
          await run(subject.edxEndpoints.link(collection.key, learn.id));
          await run(subject.edxEndpoints.link(collection.key, xpro.id));
          await run(subject.edxEndpoints.link(other.key, unused.id));

          expect(idsOf(await run(subject.edxEndpoints.listForCollection(collection.key)))).toEqual([
            xpro.id,
            learn.id,
          ]);
        }));

      it("unlinks an endpoint, and unlinking one that is not linked is harmless", () =>
        withSubject(async (subject) => {
          const collection = await storeIn(subject).collection();
          const learn = await run(subject.edxEndpoints.insert(aNewEdxEndpoint("learn"), instant()));
          const xpro = await run(subject.edxEndpoints.insert(aNewEdxEndpoint("xpro"), instant()));
          await run(subject.edxEndpoints.link(collection.key, learn.id));

          await run(subject.edxEndpoints.unlink(collection.key, learn.id));
          await run(subject.edxEndpoints.unlink(collection.key, xpro.id));

          expect(await run(subject.edxEndpoints.listForCollection(collection.key))).toEqual([]);
          expect(await run(subject.edxEndpoints.findById(learn.id))).toSatisfy(Option.isSome);
        }));

      it("refuses to link a collection or an endpoint that does not exist", () =>
        withSubject(async (subject) => {
          const collection = await storeIn(subject).collection();
          const endpoint = await run(subject.edxEndpoints.insert(aNewEdxEndpoint("learn"), instant()));
          const missingCollection = aCollection().build().key;
          const missingEndpoint = (endpoint.id + 1000) as EdxEndpointId;

          const noCollection = await failureOf(subject.edxEndpoints.link(missingCollection, endpoint.id));
          const noEndpoint = await failureOf(subject.edxEndpoints.link(collection.key, missingEndpoint));

          expect(noCollection).toBeInstanceOf(RecordNotFound);
          expect(noCollection).toMatchObject({ entity: "Collection", id: missingCollection });
          expect(noEndpoint).toMatchObject({
            _tag: "RecordNotFound",
            entity: "EdxEndpoint",
            id: String(missingEndpoint),
          });
          expect(await run(subject.edxEndpoints.listForCollection(collection.key))).toEqual([]);
        }));
    });

    describe("tokens", () => {
      it("caches a token with its absolute expiry and sets updatedAt", () =>
        withSubject(async (subject) => {
          const endpoint = await run(subject.edxEndpoints.insert(aNewEdxEndpoint("learn"), instant(0)));

          await run(
            subject.edxEndpoints.saveToken(endpoint.id, Redacted.make("jwt-1"), instant(3600), instant(10)),
          );
          await run(
            subject.edxEndpoints.saveToken(endpoint.id, Redacted.make("jwt-2"), instant(7200), instant(20)),
          );

          expect(revealed(await found(subject.edxEndpoints.findById(endpoint.id)))).toEqual({
            ...revealed(endpoint),
            accessToken: "jwt-2",
            accessTokenExpiresAt: instant(7200),
            updatedAt: instant(20),
          });
        }));

      it("fails with RecordNotFound for an endpoint that does not exist", () =>
        withSubject(async (subject) => {
          const error = await failureOf(
            subject.edxEndpoints.saveToken(
              424_242 as EdxEndpointId,
              Redacted.make("jwt"),
              instant(60),
              instant(),
            ),
          );

          expect(error).toMatchObject({ _tag: "RecordNotFound", entity: "EdxEndpoint", id: "424242" });
        }));
    });
  });
};
