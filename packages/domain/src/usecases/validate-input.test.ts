import { Either, Schema } from "effect";
import { describe, expect, it } from "vitest";
import { CtaLink } from "../model/fields.js";
import { validateInput } from "./validate-input.js";

const Body = Schema.Struct({
  title: Schema.String.pipe(Schema.minLength(1, { message: () => "must not be blank" })),
  ctaLink: Schema.optional(Schema.NullOr(CtaLink)).pipe(Schema.fromKey("cta_link")),
});

describe("validating input", () => {
  it("decodes valid input, mapping the API's field names", () => {
    expect(validateInput(Body, { title: "t", cta_link: "https://x.edu/", extra: 1 })).toEqual(
      Either.right({ title: "t", ctaLink: "https://x.edu/" }),
    );
  });

  it("reports every problem under the field the client sent, without the null alternative", () => {
    const result = validateInput(Body, { title: "", cta_link: "ftp://x.edu/" });
    expect(Either.isLeft(result) && result.left.problems).toEqual([
      { field: "title", message: "must not be blank" },
      { field: "cta_link", message: "must be a valid http or https URL" },
    ]);
  });

  it("names a missing required field", () => {
    const result = validateInput(Body, {});
    expect(Either.isLeft(result) && result.left.problems.map((problem) => problem.field)).toEqual(["title"]);
  });

  it("refuses fields the schema does not have when asked to, naming each, and ignores them otherwise", () => {
    const result = validateInput(Body, { title: "t", colour: "red", size: 3 }, { unknownFields: "refuse" });
    expect(Either.isLeft(result) && result.left.problems).toEqual([
      { field: "colour", message: "This field is not allowed." },
      { field: "size", message: "This field is not allowed." },
    ]);
    expect(Either.isRight(validateInput(Body, { title: "t", colour: "red" }))).toBe(true);
  });
});
