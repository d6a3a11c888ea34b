import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { Either } from "effect";
import type { InMemoryHarness } from "@ovs/domain/testing";
import { createOvs } from "../../../src/composition/create-ovs.js";
import type { CreateOvsOptions, Ovs } from "../../../src/composition/create-ovs.js";
import type { AppConfig } from "../../../src/config/index.js";
import { readConfig } from "../../../src/config/index.js";
import { makeKoaApp } from "../../../src/http/koa-app.js";

export interface TestService {
  readonly ovs: Ovs;
  /** The in-memory harness behind every port, for test data and hooks. */
  readonly harness: InMemoryHarness;
  readonly config: AppConfig;
  /** `http://127.0.0.1:<port>` of the running app. */
  readonly base: string;
  readonly stop: () => Promise<void>;
}

/**
 * The service as HTTP tests meet it: `createOvs` on the `test` profile, mounted in the app's Koa
 * application (request ids, headers, the error map), listening on a free loopback port.
 */
export const startTestService = async (
  options: { readonly env?: Readonly<Record<string, string>> } & Omit<CreateOvsOptions, "config"> = {},
): Promise<TestService> => {
  const { env, ...createOptions } = options;
  const config = Either.getOrThrow(readConfig({ OVS_PROFILE: "test", PORT: "3999", ...env }));
  const ovs = await createOvs({ config, ...createOptions });
  const app = makeKoaApp({ logger: { error: () => undefined }, mediaSources: [] });
  app.use(ovs.router.routes());
  app.use(ovs.router.allowedMethods());
  const server: Server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return {
    ovs,
    harness: ovs.harness!,
    config,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      await new Promise((resolve) => server.close(resolve));
      await ovs.stop();
    },
  };
};
