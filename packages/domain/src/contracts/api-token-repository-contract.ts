import { Effect, Option } from "effect";
import { describe, expect, it } from "vitest";
import type { UserId } from "../model/user.js";
import type { NewApiToken } from "../ports/api-token-repository.js";
import { testUuid } from "../testing/builders.js";
import { failureOf, found, run } from "../testing/effect-outcomes.js";
import { instant, storeIn } from "../testing/stored-test-data.js";
import { withRepositories } from "./repository-contract-support.js";
import type { MakeRepositories } from "./repository-contract-subject.js";

/** A distinct 64-character lowercase hex string, shaped like a SHA-256 digest. */
const aTokenHash = (): string => `${testUuid()}${testUuid()}`.replaceAll("-", "");

const aToken = (userId: UserId, overrides: Partial<NewApiToken> = {}): NewApiToken => ({
  id: testUuid(),
  userId,
  name: "deploy script",
  tokenHash: aTokenHash(),
  createdAt: instant(),
  expiresAt: instant(90 * 86_400),
  ...overrides,
});

/** What every ApiTokenRepository must do; `make` returns fresh, empty repositories. */
export const describeApiTokenRepositoryContract = (name: string, make: MakeRepositories): void => {
  describe(`ApiTokenRepository contract: ${name}`, () => {
    const withSubject = withRepositories(make);

    it("stores a token with every field, not used and not revoked, and finds it by its hash", () =>
      withSubject(async (subject) => {
        const user = await storeIn(subject).user();
        const token = aToken(user.id, { name: "CI – nightly sync ✓" });

        const stored = await run(subject.apiTokens.insert(token));

        const expected = { ...token, lastUsedAt: null, revokedAt: null };
        expect(stored).toEqual(expected);
        expect(await found(subject.apiTokens.findByHash(token.tokenHash))).toEqual(expected);
        expect(await run(subject.apiTokens.findByHash(aTokenHash()))).toEqual(Option.none());
      }));

    it("refuses a second token with the same hash or id, and a token of a user that does not exist", () =>
      withSubject(async (subject) => {
        const user = await storeIn(subject).user();
        const token = aToken(user.id);
        await run(subject.apiTokens.insert(token));

        expect(
          await failureOf(subject.apiTokens.insert(aToken(user.id, { tokenHash: token.tokenHash }))),
        ).toMatchObject({ _tag: "UniqueViolation", entity: "ApiToken", field: "tokenHash" });
        expect(await failureOf(subject.apiTokens.insert(aToken(user.id, { id: token.id })))).toMatchObject({
          _tag: "UniqueViolation",
          entity: "ApiToken",
          field: "id",
        });
        expect(await failureOf(subject.apiTokens.insert(aToken((user.id + 1000) as UserId)))).toMatchObject({
          _tag: "RecordNotFound",
          entity: "User",
        });
        expect(await run(subject.apiTokens.listForUser(user.id))).toHaveLength(1);
      }));

    it("lists only the user's tokens, revoked ones included, newest first and later insertions first on a tie", () =>
      withSubject(async (subject) => {
        const owner = await storeIn(subject).user();
        const other = await storeIn(subject).user();
        const oldest = aToken(owner.id, { createdAt: instant(1) });
        const tiedFirst = aToken(owner.id, { createdAt: instant(5) });
        const tiedSecond = aToken(owner.id, { createdAt: instant(5) });
        const newest = aToken(owner.id, { createdAt: instant(9) });
        for (const token of [tiedFirst, newest, oldest, tiedSecond, aToken(other.id)]) {
          await run(subject.apiTokens.insert(token));
        }
        await run(subject.apiTokens.revoke(oldest.id, owner.id, instant(10)));

        const listed = await run(subject.apiTokens.listForUser(owner.id));

        expect(listed.map((token) => token.id)).toEqual([newest.id, tiedSecond.id, tiedFirst.id, oldest.id]);
        expect(listed[3]?.revokedAt).toEqual(instant(10));
        expect(await run(subject.apiTokens.listForUser((other.id + 1000) as UserId))).toEqual([]);
      }));

    it("revokes a token only for its owner, once, keeping the first revocation time", () =>
      withSubject(async (subject) => {
        const owner = await storeIn(subject).user();
        const stranger = await storeIn(subject).user();
        const token = aToken(owner.id);
        await run(subject.apiTokens.insert(token));

        expect(await run(subject.apiTokens.revoke(token.id, stranger.id, instant(1)))).toBe(false);
        expect((await found(subject.apiTokens.findByHash(token.tokenHash))).revokedAt).toBeNull();
        expect(await run(subject.apiTokens.revoke(testUuid(), owner.id, instant(1)))).toBe(false);

        expect(await run(subject.apiTokens.revoke(token.id, owner.id, instant(2)))).toBe(true);
        expect(await run(subject.apiTokens.revoke(token.id, owner.id, instant(3)))).toBe(true);
        expect((await found(subject.apiTokens.findByHash(token.tokenHash))).revokedAt).toEqual(instant(2));
      }));

    it("moves the last use forward only, and ignores an unknown token", () =>
      withSubject(async (subject) => {
        const user = await storeIn(subject).user();
        const token = aToken(user.id);
        await run(subject.apiTokens.insert(token));

        await run(subject.apiTokens.touch(token.id, instant(60)));
        await run(subject.apiTokens.touch(token.id, instant(30)));
        expect((await found(subject.apiTokens.findByHash(token.tokenHash))).lastUsedAt).toEqual(instant(60));

        await run(subject.apiTokens.touch(token.id, instant(120)));
        await run(subject.apiTokens.touch(testUuid(), instant(120)));
        const touched = await found(subject.apiTokens.findByHash(token.tokenHash));
        expect(touched).toEqual({ ...token, lastUsedAt: instant(120), revokedAt: null });
      }));

    it("rolls a token back with the unit of work that added it", () =>
      withSubject(async (subject) => {
        const user = await storeIn(subject).user();
        const token = aToken(user.id);
        await Effect.runPromiseExit(
          subject.unitOfWork.transaction(
            Effect.andThen(subject.apiTokens.insert(token), () => Effect.fail("abort")),
          ),
        );
        expect(await run(subject.apiTokens.findByHash(token.tokenHash))).toEqual(Option.none());
      }));
  });
};
