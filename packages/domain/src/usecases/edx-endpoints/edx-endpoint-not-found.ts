import { Data } from "effect";

/** No edX endpoint has this id; an id that is not a positive integer finds none either. */
export class EdxEndpointNotFound extends Data.TaggedError("EdxEndpointNotFound")<{ readonly id: string }> {
  override get message(): string {
    return `no edX endpoint ${this.id}`;
  }
}
