import { lookup as dnsLookup } from "node:dns/promises";
import type { LookupAddress, LookupOptions } from "node:dns";
import { isIP } from "node:net";
import { Schema } from "effect";
import ipaddr from "ipaddr.js";
import { buildConnector } from "undici";

/**
 * The SSRF guard of the URL source (docs/architecture.md §6.7): a URL may only lead to a public
 * unicast address. The check runs inside the connection itself — on every address the name
 * resolves to before connecting, on IP literals, and again on the socket's remote address once
 * connected — so a redirect, a DNS answer that changed since an earlier check, or an
 * IPv4-mapped IPv6 spelling cannot slip past it.
 */

/** One address a host name resolves to. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a host name; the default asks the system resolver (getaddrinfo, like everything else). */
export type HostResolver = (hostname: string) => Promise<ReadonlyArray<ResolvedAddress>>;

export const systemResolver: HostResolver = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map((answer) => ({ address: answer.address, family: answer.family === 6 ? 6 : 4 }));
};

/** The address a URL led to is not one we may connect to. */
export class ForbiddenAddressError extends Error {
  readonly code = "OVS_FORBIDDEN_ADDRESS";

  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly range: string,
  ) {
    super(
      hostname === address
        ? `${address} is a ${range} address, which sources may not use`
        : `${hostname} resolves to ${address}, a ${range} address, which sources may not use`,
    );
    this.name = "ForbiddenAddressError";
  }
}

export type AddressVerdict = { readonly allowed: true } | { readonly allowed: false; readonly range: string };

/** Names ipaddr.js gives ranges, spelled out for error messages. */
const RANGE_NAMES: Readonly<Record<string, string>> = {
  loopback: "loopback",
  private: "private",
  linkLocal: "link-local (cloud metadata)",
  uniqueLocal: "unique-local (private)",
  unspecified: "unspecified",
  carrierGradeNat: "carrier-grade NAT (private)",
  multicast: "multicast",
  broadcast: "broadcast",
  reserved: "reserved",
  ipv4Mapped: "IPv4-mapped",
  deprecatedSiteLocal: "site-local (private)",
};

/** A settings field naming an address range, such as `127.0.0.0/8`. */
export const CidrRange = Schema.String.pipe(
  Schema.filter((range) => ipaddr.isValidCIDR(range) || "must be a CIDR range such as 127.0.0.0/8"),
);

/**
 * Decides which addresses are acceptable: public unicast only, plus the CIDR ranges listed in
 * `allowedRanges` (the local profile and tests serve files from 127.0.0.1, say). IPv4-mapped
 * IPv6 addresses are judged as the IPv4 address they carry.
 */
export const addressPolicy = (
  allowedRanges: ReadonlyArray<string> = [],
): ((address: string) => AddressVerdict) => {
  const allowed = allowedRanges.map((range) => {
    if (!ipaddr.isValidCIDR(range))
      throw new RangeError(`'${range}' is not a CIDR range such as 127.0.0.0/8`);
    return ipaddr.parseCIDR(range);
  });
  return (address) => {
    if (!ipaddr.isValid(address)) return { allowed: false, range: "unparseable" };
    const parsed = ipaddr.process(address);
    const range = parsed.range();
    if (range === "unicast") return { allowed: true };
    const exempted = allowed.some(
      ([network, bits]) => network.kind() === parsed.kind() && parsed.match(network, bits),
    );
    return exempted ? { allowed: true } : { allowed: false, range: RANGE_NAMES[range] ?? range };
  };
};

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | Array<LookupAddress>,
  family?: number,
) => void;

const notFound = (hostname: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`${hostname} does not resolve to any address`), { code: "ENOTFOUND" });

const wantedFamily = (family: LookupOptions["family"]): 4 | 6 | undefined => {
  if (family === 4 || family === "IPv4") return 4;
  if (family === 6 || family === "IPv6") return 6;
  return undefined;
};

/**
 * A `lookup` for `net.connect` that resolves with `resolve`, refuses the host when any of its
 * addresses is forbidden (so answers cannot alternate between a public and a private address),
 * and otherwise answers in whichever form Node asked for (`all` with Happy Eyeballs, or one).
 */
const guardedLookup =
  (resolve: HostResolver, verdictOf: (address: string) => AddressVerdict) =>
  (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolve(hostname).then(
      (addresses) => {
        for (const { address } of addresses) {
          const verdict = verdictOf(address);
          if (!verdict.allowed) {
            callback(new ForbiddenAddressError(hostname, address, verdict.range), "");
            return;
          }
        }
        const family = wantedFamily(options.family);
        const usable =
          family === undefined ? addresses : addresses.filter((entry) => entry.family === family);
        const first = usable[0];
        if (first === undefined) {
          callback(notFound(hostname), "");
          return;
        }
        if (options.all === true) {
          callback(
            null,
            usable.map((entry) => ({ address: entry.address, family: entry.family })),
          );
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: unknown) => {
        callback(error instanceof Error ? error : new Error(String(error)), "");
      },
    );
  };

export interface GuardedConnectorOptions {
  readonly verdictOf: (address: string) => AddressVerdict;
  readonly resolve: HostResolver;
  readonly connectTimeoutMs: number;
}

/** An undici connector that only ever connects to addresses `verdictOf` allows. */
export const guardedConnector = (options: GuardedConnectorOptions): buildConnector.connector => {
  const connect = buildConnector({
    timeout: options.connectTimeoutMs,
    lookup: guardedLookup(options.resolve, options.verdictOf),
  });
  return (connectOptions, callback) => {
    const hostname = connectOptions.hostname;
    // IP literals never reach `lookup`, so they are judged here.
    if (isIP(hostname) !== 0) {
      const verdict = options.verdictOf(hostname);
      if (!verdict.allowed) {
        callback(new ForbiddenAddressError(hostname, hostname, verdict.range), null);
        return;
      }
    }
    connect(connectOptions, (...result) => {
      const [error, socket] = result;
      if (error !== null) {
        callback(error, null);
        return;
      }
      // Belt and braces: judge the address the socket is actually connected to.
      const remote = socket.remoteAddress;
      const verdict: AddressVerdict =
        remote === undefined ? { allowed: false, range: "unknown" } : options.verdictOf(remote);
      if (!verdict.allowed) {
        socket.destroy();
        callback(new ForbiddenAddressError(hostname, remote ?? "an unknown address", verdict.range), null);
        return;
      }
      callback(null, socket);
    });
  };
};
