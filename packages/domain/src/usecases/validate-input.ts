import { Either, ParseResult, Schema } from "effect";
import type { FieldProblem } from "./errors.js";
import { InvalidInput } from "./errors.js";

/**
 * A nullable or optional field that fails reports one problem per member of its union; the
 * "Expected null" and "Expected undefined" halves say nothing the client can act on, so they are
 * dropped when the field has another problem.
 */
const withoutNullAlternatives = (problems: ReadonlyArray<FieldProblem>): ReadonlyArray<FieldProblem> =>
  problems.filter(
    (problem) =>
      !/^Expected (null|undefined),/.test(problem.message) ||
      !problems.some((other) => other !== problem && other.field === problem.field),
  );

/**
 * Decodes untrusted input with a domain schema; every problem is reported with the field it
 * concerns, so the edge can answer 400 with a message per field.
 */
export const validateInput = <A, I>(
  schema: Schema.Schema<A, I>,
  input: unknown,
  options: {
    /**
     * `refuse` for a request body whose fields are all the client's to choose: a misspelt field
     * fails loudly instead of being dropped. Bodies that embed third-party objects (the Dropbox
     * Chooser's entries) keep the default and ignore what they do not read.
     */
    readonly unknownFields?: "refuse" | "ignore";
  } = {},
): Either.Either<A, InvalidInput> =>
  Either.mapLeft(
    Schema.decodeUnknownEither(schema, {
      errors: "all",
      onExcessProperty: options.unknownFields === "refuse" ? "error" : "ignore",
    })(input),
    (error) =>
      new InvalidInput({
        problems: withoutNullAlternatives(
          ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => ({
            field: issue.path.map(String).join("."),
            message: issue._tag === "Unexpected" ? UNKNOWN_FIELD : issue.message,
          })),
        ),
      }),
  );

/** DRF's wording for a field the serializer does not have, when such fields are refused. */
export const UNKNOWN_FIELD = "This field is not allowed.";
