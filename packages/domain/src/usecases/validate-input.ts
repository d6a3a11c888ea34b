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
): Either.Either<A, InvalidInput> =>
  Either.mapLeft(
    Schema.decodeUnknownEither(schema, { errors: "all", onExcessProperty: "ignore" })(input),
    (error) =>
      new InvalidInput({
        problems: withoutNullAlternatives(
          ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => ({
            field: issue.path.map(String).join("."),
            message: issue.message,
          })),
        ),
      }),
  );
