import { generateKeyPair, randomBytes, type JsonWebKey, type KeyObject } from "node:crypto";
import { link, mkdir, open, readFile, unlink } from "node:fs/promises";
import path from "node:path";
import { writeFully } from "./storage/durable-writes.js";
import { errnoCodeOf, hasErrnoCode } from "./storage/filesystem-errors.js";

/** A private RSA signing key as oidc-provider takes it (`jwks.keys`). */
export interface DevOidcSigningKey extends JsonWebKey {
  readonly kty: "RSA";
  readonly kid: string;
  readonly use: "sig";
  readonly alg: "RS256";
  readonly n: string;
  readonly e: string;
  readonly d: string;
}

/** A new 2048-bit RSA key for RS256 (the ID token algorithm every OIDC client supports). */
export const generateDevOidcSigningKey = async (): Promise<DevOidcSigningKey> => {
  const privateKey = await new Promise<KeyObject>((resolve, reject) => {
    generateKeyPair("rsa", { modulusLength: 2048 }, (error, _publicKey, key) =>
      error === null ? resolve(key) : reject(error),
    );
  });
  const jwk = privateKey.export({ format: "jwk" });
  return {
    ...jwk,
    kty: "RSA",
    kid: randomBytes(12).toString("base64url"),
    use: "sig",
    alg: "RS256",
    n: jwk.n ?? "",
    e: jwk.e ?? "",
    d: jwk.d ?? "",
  };
};

const isSigningKey = (value: unknown): value is DevOidcSigningKey => {
  if (typeof value !== "object" || value === null) return false;
  const key = value as Record<string, unknown>;
  return (
    key["kty"] === "RSA" &&
    ["kid", "n", "e", "d", "p", "q", "dp", "dq", "qi"].every(
      (field) => typeof key[field] === "string" && key[field] !== "",
    )
  );
};

const problemWith = (file: string, problem: string): Error =>
  new Error(`${file}: ${problem} (delete it to have a new key made; signed-in sessions then sign in again)`);

const readKeys = async (file: string): Promise<ReadonlyArray<DevOidcSigningKey>> => {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    if (hasErrnoCode(error, "ENOENT")) throw error;
    throw problemWith(file, `is not a readable JSON key set (${errnoCodeOf(error) ?? "invalid JSON"})`);
  }
  const keys = (json as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every(isSigningKey))
    throw problemWith(file, 'must be { "keys": [ <private RSA JWK with a kid>, ... ] }');
  return keys.map((key) => ({ ...key, use: "sig", alg: "RS256" }));
};

/**
 * The issuer's signing keys, kept in `file` (JSON `{ "keys": [ <private JWK> ] }`, mode 0600) so
 * ID tokens issued before a restart still verify after it: the app keeps each session's ID token
 * for the `id_token_hint` of its logout, and its sessions outlive a restart. Made on first use;
 * two processes starting at once make it once (the file appears by an exclusive link).
 */
export const loadOrCreateDevOidcSigningKeys = async (
  file: string,
): Promise<ReadonlyArray<DevOidcSigningKey>> => {
  try {
    return await readKeys(file);
  } catch (error) {
    if (!hasErrnoCode(error, "ENOENT")) throw error;
  }
  const key = await generateDevOidcSigningKey();
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  const handle = await open(temp, "wx", 0o600);
  try {
    await writeFully(handle, Buffer.from(`${JSON.stringify({ keys: [key] }, null, 2)}\n`, "utf8"));
    await handle.chmod(0o600);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, file);
  } catch (error) {
    if (!hasErrnoCode(error, "EEXIST")) throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  return readKeys(file);
};
