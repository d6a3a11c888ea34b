import { Container } from "inversify";
import { makeInMemoryHarness } from "@ovs/domain/testing";
import type { InMemoryHarness } from "@ovs/domain/testing";
import { bindPorts } from "./port-tokens.js";
import type { OpenedProfile } from "./opened-profile.js";

/**
 * The in-memory harness behind every port, for HTTP tests and demos: the same use cases and
 * routes as production, with a clock that follows the wall clock and random keys. The harness is
 * returned too, so tests reach its hooks (register a source, finish a transcode, read the mail).
 */
export const openTestProfile = (): OpenedProfile & { readonly harness: InMemoryHarness } => {
  const harness = makeInMemoryHarness({ realTime: true, ids: "random" });
  const container = new Container();
  bindPorts(container, harness.ports);
  return { container, database: null, boss: null, harness, close: () => Promise.resolve() };
};
