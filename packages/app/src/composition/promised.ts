import { Cause, Effect, Exit } from "effect";

/**
 * Runs a use case for callers outside Effect: resolves with its result, rejects with the tagged
 * error itself (not a FiberFailure wrapper), so `catch (error) { if (error._tag === …) }` works.
 * A defect rejects with the defect.
 */
export const promised = <A, E>(effect: Effect.Effect<A, E>): Promise<A> =>
  Effect.runPromiseExit(effect).then((exit) =>
    Exit.isSuccess(exit) ? exit.value : Promise.reject(Cause.squash(exit.cause)),
  );

type Runnable = { readonly run: (...args: never[]) => Effect.Effect<unknown, unknown> };

type RunOf<U> = U extends { run: (...args: infer P) => Effect.Effect<infer A, infer _E, never> }
  ? (...args: P) => Promise<A>
  : never;

/** Each use case with a single entry, `run`, as a Promise-returning function named after it. */
export type PromisedUseCases<U> = {
  readonly [K in keyof U as U[K] extends Runnable ? K : never]: RunOf<U[K]>;
};

export const promisedUseCases = <U extends object>(useCases: U): PromisedUseCases<U> =>
  Object.fromEntries(
    Object.entries(useCases).flatMap(([name, useCase]: [string, unknown]) =>
      typeof (useCase as Partial<Runnable>).run === "function"
        ? [[name, (...args: never[]) => promised((useCase as Runnable).run(...args))]]
        : [],
    ),
  ) as PromisedUseCases<U>;
