import type { Clock } from "@ovs/domain";
import { Duration } from "effect";

/** A token as its issuer handed it out. */
export interface IssuedToken {
  readonly token: string;
  /** Lifetime in seconds; `undefined` when the issuer did not say (then `defaultLifetimeSeconds`). */
  readonly expiresInSeconds: number | undefined;
}

export interface TokenCacheOptions {
  /** Fetches a new token; its rejection is shared by every caller waiting on it. */
  readonly issue: () => Promise<IssuedToken>;
  /** How long before its expiry a token stops being handed out. */
  readonly margin: Duration.Duration;
  /** Lifetime assumed when the issuer gives none. */
  readonly defaultLifetimeSeconds: number;
  readonly clock: Clock;
}

/**
 * One access token shared by every caller of an adapter: handed out until `margin` before
 * it expires, refreshed by one request at a time (concurrent callers wait for the same refresh),
 * and dropped when the server refuses it.
 */
export class TokenCache {
  private current: { readonly token: string; readonly usableUntil: number } | undefined;
  private refreshing: Promise<string> | undefined;

  constructor(private readonly options: TokenCacheOptions) {}

  /** A token usable for at least `margin` more. */
  get(): Promise<string> {
    const current = this.current;
    if (current !== undefined && this.options.clock.now().getTime() < current.usableUntil)
      return Promise.resolve(current.token);
    return this.refresh();
  }

  /**
   * The server said `rejected` is no good (a 401): forget it, unless another caller already
   * replaced it, and get a fresh one.
   */
  replace(rejected: string): Promise<string> {
    if (this.current?.token === rejected) this.current = undefined;
    return this.get();
  }

  private refresh(): Promise<string> {
    if (this.refreshing !== undefined) return this.refreshing;
    const refreshing = this.options
      .issue()
      .then((issued) => {
        const lifetime = issued.expiresInSeconds ?? this.options.defaultLifetimeSeconds;
        this.current = {
          token: issued.token,
          usableUntil:
            this.options.clock.now().getTime() + lifetime * 1000 - Duration.toMillis(this.options.margin),
        };
        return issued.token;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    this.refreshing = refreshing;
    return refreshing;
  }
}
