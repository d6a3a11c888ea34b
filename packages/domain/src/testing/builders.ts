import type { Collection } from "../model/collection.js";
import { collectionDefaults } from "../model/collection.js";
import type { EncodeJob } from "../model/encode-job.js";
import type { CollectionKey, VideoKey } from "../model/keys.js";
import { uuidV4FromBytes } from "../model/keys.js";
import type { Principal, User, UserId, UserPrincipal } from "../model/user.js";
import { anonymous, userPrincipal } from "../model/user.js";
import type { Video, VideoStatus } from "../model/video.js";
import { videoDefaults } from "../model/video.js";

/**
 * Small builders for test data. Each call makes a fresh, valid entity with unique keys;
 * the fluent methods say only what matters to the test:
 * `aVideo().inCollection(collection).withStatus("Complete").build()`.
 */

let counter = 0;
const nextNumber = (): number => {
  counter += 1;
  return counter;
};

/** A deterministic, valid UUIDv4 that differs on every call. */
export const testUuid = (): string => {
  const n = nextNumber();
  const bytes = new Uint8Array(16);
  for (let index = 0; index < 16; index += 1) bytes[index] = (n * 37 + index * 11) & 0xff;
  bytes[12] = (n >>> 24) & 0xff;
  bytes[13] = (n >>> 16) & 0xff;
  bytes[14] = (n >>> 8) & 0xff;
  bytes[15] = n & 0xff;
  return uuidV4FromBytes(bytes);
};

export const aVideoKey = (): VideoKey => testUuid() as VideoKey;
export const aCollectionKey = (): CollectionKey => testUuid() as CollectionKey;

export const BUILDER_EPOCH = new Date("2026-01-15T12:00:00.000Z");

/** Creation times step forward a second per entity, so default orderings are predictable. */
const nextTimestamp = (): Date => new Date(BUILDER_EPOCH.getTime() + nextNumber() * 1000);

abstract class Builder<T, Self extends Builder<T, Self>> {
  constructor(protected readonly value: T) {}
  protected abstract copy(value: T): Self;
  /** Any field, for what the named methods do not cover. */
  with(overrides: Partial<T>): Self {
    return this.copy({ ...this.value, ...overrides });
  }
  build(): T {
    return this.value;
  }
}

export class UserBuilder extends Builder<User, UserBuilder> {
  protected copy(value: User): UserBuilder {
    return new UserBuilder(value);
  }
  withId(id: number): UserBuilder {
    return this.with({ id: id as UserId });
  }
  named(username: string): UserBuilder {
    return this.with({ username, email: username.includes("@") ? username : `${username}@example.edu` });
  }
  superuser(): UserBuilder {
    return this.with({ isSuperuser: true });
  }
  staff(): UserBuilder {
    return this.with({ isStaff: true });
  }
  /** The signed-in principal of this user, with the given Keycloak group names. */
  principal(...groups: ReadonlyArray<string>): UserPrincipal {
    return userPrincipal(this.value, groups);
  }
}

export const aUser = (): UserBuilder => {
  const n = nextNumber();
  const at = nextTimestamp();
  return new UserBuilder({
    id: n as UserId,
    username: `user${n}@example.edu`,
    email: `user${n}@example.edu`,
    isSuperuser: false,
    isStaff: false,
    createdAt: at,
    updatedAt: at,
  });
};

export const anAnonymousPrincipal = (): Principal => anonymous;

export class CollectionBuilder extends Builder<Collection, CollectionBuilder> {
  protected copy(value: Collection): CollectionBuilder {
    return new CollectionBuilder(value);
  }
  ownedBy(owner: Pick<User, "id"> | UserId): CollectionBuilder {
    return this.with({ ownerId: typeof owner === "number" ? owner : owner.id });
  }
  titled(title: string): CollectionBuilder {
    return this.with({ title });
  }
  withViewLists(...viewLists: ReadonlyArray<string>): CollectionBuilder {
    return this.with({ viewLists });
  }
  withAdminLists(...adminLists: ReadonlyArray<string>): CollectionBuilder {
    return this.with({ adminLists });
  }
  public(): CollectionBuilder {
    return this.with({ isPublic: true });
  }
  loggedInOnly(): CollectionBuilder {
    return this.with({ isLoggedInOnly: true });
  }
  inLearn(): CollectionBuilder {
    return this.with({ includeInLearn: true });
  }
  forShorts(): CollectionBuilder {
    return this.with({ forShorts: true });
  }
  withEdxCourse(edxCourseId: string): CollectionBuilder {
    return this.with({ edxCourseId });
  }
  createdAt(at: Date): CollectionBuilder {
    return this.with({ createdAt: at, updatedAt: at });
  }
}

export const aCollection = (): CollectionBuilder => {
  const n = nextNumber();
  const at = nextTimestamp();
  return new CollectionBuilder({
    ...collectionDefaults,
    key: aCollectionKey(),
    title: `Collection ${n}`,
    ownerId: 1 as UserId,
    createdAt: at,
    updatedAt: at,
  });
};

export class VideoBuilder extends Builder<Video, VideoBuilder> {
  protected copy(value: Video): VideoBuilder {
    return new VideoBuilder(value);
  }
  inCollection(collection: Pick<Collection, "key"> | CollectionKey): VideoBuilder {
    return this.with({ collectionKey: typeof collection === "string" ? collection : collection.key });
  }
  withStatus(status: VideoStatus): VideoBuilder {
    return this.with({ status });
  }
  titled(title: string): VideoBuilder {
    return this.with({ title });
  }
  describedAs(description: string): VideoBuilder {
    return this.with({ description });
  }
  fromSource(sourceUrl: string): VideoBuilder {
    return this.with({ sourceUrl });
  }
  public(): VideoBuilder {
    return this.with({ isPublic: true });
  }
  private(): VideoBuilder {
    return this.with({ isPrivate: true });
  }
  loggedInOnly(): VideoBuilder {
    return this.with({ isLoggedInOnly: true });
  }
  withViewLists(...viewLists: ReadonlyArray<string>): VideoBuilder {
    return this.with({ viewLists });
  }
  withDuration(duration: number): VideoBuilder {
    return this.with({ duration });
  }
  createdAt(at: Date): VideoBuilder {
    return this.with({ createdAt: at, updatedAt: at });
  }
}

export const aVideo = (): VideoBuilder => {
  const n = nextNumber();
  const at = nextTimestamp();
  return new VideoBuilder({
    ...videoDefaults,
    key: aVideoKey(),
    collectionKey: aCollectionKey(),
    title: `Video ${n}`,
    sourceUrl: `https://www.dropbox.com/s/abc${n}/lecture-${n}.mp4?dl=0`,
    createdAt: at,
    updatedAt: at,
  });
};

export class EncodeJobBuilder extends Builder<EncodeJob, EncodeJobBuilder> {
  protected copy(value: EncodeJob): EncodeJobBuilder {
    return new EncodeJobBuilder(value);
  }
  forVideo(video: Pick<Video, "key"> | VideoKey): EncodeJobBuilder {
    return this.with({ videoKey: typeof video === "string" ? video : video.key });
  }
  retranscode(): EncodeJobBuilder {
    return this.with({ purpose: "retranscode" });
  }
  createdAt(at: Date): EncodeJobBuilder {
    return this.with({ createdAt: at, lastModified: at });
  }
}

export const anEncodeJob = (): EncodeJobBuilder => {
  const n = nextNumber();
  const at = nextTimestamp();
  return new EncodeJobBuilder({
    id: `1700000000000-job${n}`,
    videoKey: aVideoKey(),
    purpose: "transcode",
    state: "Submitted",
    errorCode: null,
    errorMessage: null,
    message: {},
    createdAt: at,
    lastModified: at,
  });
};
