import { Redacted } from "effect";
import type { Collection } from "../model/collection.js";
import type { User } from "../model/user.js";
import type { Video } from "../model/video.js";
import type { VisibilityFilter } from "../policy/access.js";
import type { NewEdxEndpoint } from "../ports/edx-endpoint-repository.js";
import type { DomainPorts } from "../usecases/domain-ports.js";
import type { CollectionBuilder, UserBuilder, VideoBuilder } from "./builders.js";
import { aCollection, aUser, aVideo } from "./builders.js";
import { run } from "./effect-outcomes.js";

/** Every row, for tests that are not about access. */
export const EVERYTHING: VisibilityFilter = { _tag: "Everything" };

/** A fixed instant plus some seconds: timestamps with milliseconds, as a database returns them. */
export const instant = (seconds = 0): Date =>
  new Date(Date.parse("2026-03-02T09:15:30.250Z") + seconds * 1000);

/**
 * Stores test data the way the application would: users by sign-in, access groups before the
 * collections and videos that name them, videos inside a stored collection.
 */
export const storeIn = (subject: Pick<DomainPorts, "users" | "accessGroups" | "collections" | "videos">) => {
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

/** An edX endpoint with a unique name (at most 20 characters) and no cached token. */
export const aNewEdxEndpoint = (name: string, overrides: Partial<NewEdxEndpoint> = {}): NewEdxEndpoint => ({
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
