import { Cause, Effect, Exit, Option } from "effect";

/** Runs an effect to a promise; any failure rejects it. */
export const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect);

/** The value inside a found option; None fails the test. */
export const found = async <A, E>(effect: Effect.Effect<Option.Option<A>, E>): Promise<A> => {
  const option = await run(effect);
  if (Option.isNone(option)) throw new Error("expected a record, found none");
  return option.value;
};

/** The typed error an effect fails with; a success or a defect fails the test with a clear message. */
export const failureOf = async <A, E>(effect: Effect.Effect<A, E>): Promise<E> => {
  const exit = await Effect.runPromiseExit(effect);
  if (Exit.isSuccess(exit))
    throw new Error(`expected a failure, but it succeeded with ${String(exit.value)}`);
  const failure = Cause.failureOption(exit.cause);
  if (Option.isNone(failure)) throw new Error(`expected a typed failure, got ${Cause.pretty(exit.cause)}`);
  return failure.value;
};

/** The outcome of an Effect as a value, success or typed failure. */
export const outcomeOf = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(Effect.either(effect));
