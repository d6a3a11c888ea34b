import { createHash, createPublicKey, generateKeyPairSync } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** The key pair the `local` profile signs CDN URLs with, as CloudFront's trusted key group would hold it. */
export interface CdnSigningKey {
  /** Like CloudFront's public key ids: derived from the key, so it changes when the key does. */
  readonly keyPairId: string;
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
}

const PRIVATE_KEY_FILE = "cdn-private-key.pem";

const keyOf = (privateKeyPem: string): CdnSigningKey => {
  const publicKeyPem = createPublicKey(privateKeyPem).export({ type: "spki", format: "pem" }).toString();
  const fingerprint = createHash("sha256").update(publicKeyPem).digest("hex").slice(0, 12).toUpperCase();
  return { keyPairId: `K${fingerprint}`, privateKeyPem, publicKeyPem };
};

/**
 * The signing key under `folder`, made on first start (RSA 2048, as CloudFront takes) and kept
 * (mode 0600) so signed URLs stay valid across restarts. Written to a temp file and renamed, so
 * a crash never leaves half a key.
 */
export const ensureCdnSigningKey = async (folder: string): Promise<CdnSigningKey> => {
  const path = join(folder, PRIVATE_KEY_FILE);
  try {
    return keyOf(await readFile(path, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, privateKeyPem, { mode: 0o600 });
  await rename(temp, path);
  return keyOf(privateKeyPem);
};
