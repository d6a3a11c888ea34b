import type { AddressInfo } from "node:net";
import Router from "@koa/router";
import { Either } from "effect";
import { describe, expect, it } from "vitest";
import { createOvs, makeKoaApp, readConfig } from "../../src/index.js";

describe("embedding the service in another Koa app", () => {
  it("serves the API under a prefix beside the host's own routes; its use cases reject with the tagged errors", async () => {
    const config = Either.getOrThrow(
      readConfig({ OVS_PROFILE: "test", ODL_VIDEO_BASE_URL: "http://127.0.0.1:9/video" }),
    );
    const ovs = await createOvs({ config });
    const video = new Router({ prefix: "/video" });
    video.use(ovs.router.routes(), ovs.router.allowedMethods());
    const app = makeKoaApp({ logger: { error: () => undefined }, mediaSources: [] });
    app.use(video.routes());
    app.use((ctx) => {
      ctx.body = "the rest of your service";
    });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const feed = await fetch(`${base}/video/api/v0/public/videos/`);
      expect(feed.status).toBe(200);
      expect(await feed.json()).toMatchObject({ count: 0 });
      expect(await (await fetch(`${base}/elsewhere`)).text()).toBe("the rest of your service");
      const missing = await ovs.useCases
        .getVideo({ _tag: "Anonymous" }, "0".repeat(32))
        .catch((error: unknown) => error);
      // The promise rejects with the tagged error itself, not a wrapper.
      expect((missing as { readonly _tag?: string })._tag).toBe("VideoNotFound");
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await ovs.stop();
    }
  });
});
