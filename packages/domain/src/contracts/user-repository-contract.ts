import { Option } from "effect";
import { describe, expect, it } from "vitest";
import type { UserId } from "../model/user.js";
import type { SignedInUser } from "../ports/user-repository.js";
import { found, run } from "../testing/effect-outcomes.js";
import { instant } from "../testing/stored-test-data.js";
import { withRepositories } from "./repository-contract-support.js";
import type { MakeRepositories } from "./repository-contract-subject.js";

const signedIn = (username: string, overrides: Partial<SignedInUser> = {}): SignedInUser => ({
  username,
  email: username,
  isSuperuser: false,
  isStaff: false,
  ...overrides,
});

/**
 * What every UserRepository must do. Run it with a factory that returns fresh, empty
 * repositories: `describeUserRepositoryContract("postgres", makeRepositories)`.
 */
export const describeUserRepositoryContract = (name: string, make: MakeRepositories): void => {
  describe(`UserRepository contract: ${name}`, () => {
    const withSubject = withRepositories(make);

    it("creates a user on first sign-in with a fresh id and every field", () =>
      withSubject(async (subject) => {
        const user = await run(
          subject.users.upsertByUsername(
            signedIn("ada@mit.edu", { email: "ada.lovelace@mit.edu", isSuperuser: true, isStaff: true }),
            instant(),
          ),
        );

        expect(user).toEqual({
          id: user.id,
          username: "ada@mit.edu",
          email: "ada.lovelace@mit.edu",
          isSuperuser: true,
          isStaff: true,
          createdAt: instant(),
          updatedAt: instant(),
        });
        expect(Number.isInteger(user.id) && user.id > 0).toBe(true);
        expect(await found(subject.users.findById(user.id))).toEqual(user);
        expect(await found(subject.users.findByUsername("ada@mit.edu"))).toEqual(user);
      }));

    it("updates email and role flags on a later sign-in, keeping id and creation time", () =>
      withSubject(async (subject) => {
        const first = await run(
          subject.users.upsertByUsername(signedIn("grace@mit.edu", { isStaff: true }), instant(0)),
        );

        const again = await run(
          subject.users.upsertByUsername(
            signedIn("grace@mit.edu", { email: "grace.hopper@mit.edu", isSuperuser: true, isStaff: false }),
            instant(86_400),
          ),
        );

        const expected = {
          ...first,
          email: "grace.hopper@mit.edu",
          isSuperuser: true,
          isStaff: false,
          updatedAt: instant(86_400),
        };
        expect(again).toEqual(expected);
        expect(await found(subject.users.findById(first.id))).toEqual(expected);
      }));

    it("gives different users different ids, and usernames differing in case are different users", () =>
      withSubject(async (subject) => {
        const lower = await run(subject.users.upsertByUsername(signedIn("alan@mit.edu"), instant()));
        const upper = await run(subject.users.upsertByUsername(signedIn("Alan@mit.edu"), instant()));
        const other = await run(subject.users.upsertByUsername(signedIn("edsger@mit.edu"), instant()));

        expect(new Set([lower.id, upper.id, other.id]).size).toBe(3);
      }));

    it("finds several users by id and skips unknown ids", () =>
      withSubject(async (subject) => {
        const first = await run(subject.users.upsertByUsername(signedIn("one@mit.edu"), instant()));
        const second = await run(subject.users.upsertByUsername(signedIn("two@mit.edu"), instant()));
        await run(subject.users.upsertByUsername(signedIn("three@mit.edu"), instant()));
        const unknown = (first.id + second.id + 1000) as UserId;

        const users = await run(subject.users.findByIds([second.id, unknown, first.id]));

        expect(users.map((user) => user.username).sort()).toEqual(["one@mit.edu", "two@mit.edu"]);
      }));

    it("answers None for an unknown id or username", () =>
      withSubject(async (subject) => {
        await run(subject.users.upsertByUsername(signedIn("known@mit.edu"), instant()));

        expect(await run(subject.users.findById(999_999 as UserId))).toEqual(Option.none());
        expect(await run(subject.users.findByUsername("unknown@mit.edu"))).toEqual(Option.none());
        expect(await run(subject.users.findByUsername("KNOWN@mit.edu"))).toEqual(Option.none());
      }));
  });
};
