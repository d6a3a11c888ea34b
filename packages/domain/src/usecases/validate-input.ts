import { Either, ParseResult, Schema } from "effect";
import { InvalidInput } from "./errors.js";

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
    (error) => {
      const issues = ParseResult.ArrayFormatter.formatErrorSync(error);
      return new InvalidInput({
        problems: issues.map((issue) => ({
          field: issue.path.map(String).join("."),
          message: issue.message,
        })),
      });
    },
  );
