import { Data } from "effect";

/**
 * The page asked for does not exist: a page number out of range or not a number, or a cursor
 * this list did not hand out. The edge answers 404 `{"detail": <detail>}`, as DRF does.
 */
export class InvalidPage extends Data.TaggedError("InvalidPage")<{
  readonly detail: "Invalid page." | "Invalid cursor.";
}> {
  override get message(): string {
    return this.detail;
  }
}
