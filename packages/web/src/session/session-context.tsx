import { createContext, useContext } from "react";
import type { Me } from "../api/schema-types.js";

/** Who is signed in, read once per page load from `GET /api/v0/me/`. */
export const SessionContext = createContext<Me | null>(null);

export const useSession = (): Me => {
  const me = useContext(SessionContext);
  if (me === null) throw new Error("useSession outside the session provider");
  return me;
};
