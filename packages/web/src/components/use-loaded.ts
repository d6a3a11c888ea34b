import { useCallback, useEffect, useState } from "react";

export type Loaded<T> =
  | { readonly state: "loading" }
  | { readonly state: "failed"; readonly error: unknown }
  | { readonly state: "ready"; readonly value: T };

/**
 * Runs `load` when `key` changes and keeps the last result; `reload` runs it again without
 * showing the loading state (so a refresh does not blank the page).
 */
export const useLoaded = <T>(
  key: string,
  load: () => Promise<T>,
): { readonly loaded: Loaded<T>; readonly reload: () => Promise<void>; readonly set: (value: T) => void } => {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: "loading" });
  // `load` is a new closure each render; `key` says when it means something new.
  const run = useCallback(load, [key]);
  useEffect(() => {
    let current = true;
    setLoaded({ state: "loading" });
    run().then(
      (value) => current && setLoaded({ state: "ready", value }),
      (error: unknown) => current && setLoaded({ state: "failed", error }),
    );
    return () => {
      current = false;
    };
  }, [run]);
  const reload = useCallback(async () => {
    try {
      setLoaded({ state: "ready", value: await run() });
    } catch (error) {
      setLoaded({ state: "failed", error });
    }
  }, [run]);
  const set = useCallback((value: T) => setLoaded({ state: "ready", value }), []);
  return { loaded, reload, set };
};
