import { Effect } from "effect";
import type { Container } from "inversify";
import { CloudFrontUrls } from "@ovs/adapters-aws";
import type { CloudFrontUrlsSettings } from "@ovs/adapters-aws";
import { EdxvalVideoApi, makeEdxvalVideoApiSettings } from "@ovs/adapters-edx";
import type { EdxvalVideoApiSettingsInput } from "@ovs/adapters-edx";
import { CdnUrls, Clock, EdxEndpointRepository, EdxVideoApi } from "@ovs/domain";
import type { Clock as ClockPort, EdxEndpointRepository as EdxEndpoints } from "@ovs/domain";
import type { PlaybackConfig } from "../config/index.js";

/**
 * CloudFront signing, as both the `aws` profile and the `local` one (whose CDN checks the same
 * signatures) bind it: the grant's lifetime and window come from the playback settings.
 */
export const bindCloudFrontUrls = (
  container: Container,
  settings: Omit<CloudFrontUrlsSettings, "clock" | "ttl" | "window">,
  playback: Pick<PlaybackConfig, "grantLifetime" | "grantWindow">,
): void => {
  container
    .bind(CdnUrls)
    .toResolvedValue(
      (clock: ClockPort) =>
        new CloudFrontUrls({ ...settings, ttl: playback.grantLifetime, window: playback.grantWindow, clock }),
      [Clock],
    );
};

/**
 * The edxval API. A token edX issued is kept on its endpoint row, so every process reuses it
 * until it expires.
 */
export const bindEdxVideoApi = (container: Container, settings: EdxvalVideoApiSettingsInput): void => {
  container
    .bind(EdxVideoApi)
    .toResolvedValue(
      (clock: ClockPort, endpoints: EdxEndpoints) =>
        new EdxvalVideoApi(makeEdxvalVideoApiSettings(settings), clock, (endpoint, token) =>
          Effect.runPromise(
            Effect.ignore(endpoints.saveToken(endpoint.id, token.accessToken, token.expiresAt, clock.now())),
          ),
        ),
      [Clock, EdxEndpointRepository],
    );
};
