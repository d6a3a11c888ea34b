import { Effect } from "effect";

/**
 * `effect` is a peer dependency: the embedder's copy runs our use cases. npm refuses another
 * major at install; a tree forced together anyway either fails to link (a missing export) or, when
 * the names still link, would fail deep inside the runtime with "Not a valid effect", far from the
 * cause. So the domain checks the copy it was given the moment it loads and names the fix instead.
 */
export const SUPPORTED_EFFECT_MAJOR = 3;

/** The version of the `effect` copy this module was linked against, read from an effect value. */
export const installedEffectVersion = (): string | undefined => {
  const variance = (Effect.void as unknown as Record<symbol, { readonly _V?: unknown } | undefined>)[
    Symbol.for("effect/Effect")
  ];
  return typeof variance?._V === "string" ? variance._V : undefined;
};

/** Why the installed `effect` cannot serve the domain, or undefined when it can. */
export const effectPeerProblem = (version: string | undefined): string | undefined => {
  const major = version === undefined ? undefined : Number.parseInt(version.split(".")[0] ?? "", 10);
  if (major === SUPPORTED_EFFECT_MAJOR) return undefined;
  return (
    `@ovs/domain needs effect ${SUPPORTED_EFFECT_MAJOR}.x as a peer dependency, but the installed effect is ` +
    `${version ?? "of an unknown version"}. Install a matching copy next to it: npm install effect@^${SUPPORTED_EFFECT_MAJOR}`
  );
};

const problem = effectPeerProblem(installedEffectVersion());
if (problem !== undefined) throw new Error(problem);
