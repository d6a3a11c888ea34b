import { Cause, Effect, Exit, Option } from "effect";

/** Every contract subject may hold resources (servers, connections) to close after each test. */
export interface Disposable {
  readonly dispose?: () => Promise<void>;
}

/** Runs one test against a fresh subject and disposes of it whatever happens. */
export const withFreshSubject =
  <Subject extends Disposable>(make: () => Promise<Subject>) =>
  async (test: (subject: Subject) => Promise<void>): Promise<void> => {
    const subject = await make();
    try {
      await test(subject);
    } finally {
      await subject.dispose?.();
    }
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

/**
 * Unique enough across test files and runs that subjects sharing one server (a Keycloak realm,
 * a Postgres database) never trip over each other's names; lowercase letters and digits only.
 */
export const uniqueSuffix = (): string =>
  `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 6)
    .toString(36)
    .padStart(6, "0")}`;
