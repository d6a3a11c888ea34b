import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

/**
 * Password hashes of the dev users file, in the PHC string format:
 * `$scrypt$ln=<log2 N>,r=<block size>,p=<parallelism>$<salt>$<key>`, salt and key in base64
 * without padding. New hashes use N = 2^15, r = 8, p = 1, a 16-byte random salt and a 32-byte
 * key; any parameters within the bounds below verify, so a hand-made hash may use others.
 */
const LOG2_COST = 15;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

const FORMAT =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{11,172})\$([A-Za-z0-9+/]{22,172})$/;

interface ParsedHash {
  readonly log2Cost: number;
  readonly blockSize: number;
  readonly parallelism: number;
  readonly salt: Buffer;
  readonly key: Buffer;
}

/** Bounds that keep a hand-edited hash from costing more than a second or two (or too little). */
const parse = (hash: string): ParsedHash | undefined => {
  const match = FORMAT.exec(hash);
  if (match === null) return undefined;
  const [, ln = "", r = "", p = "", salt = "", key = ""] = match;
  const parsed = {
    log2Cost: Number(ln),
    blockSize: Number(r),
    parallelism: Number(p),
    salt: Buffer.from(salt, "base64"),
    key: Buffer.from(key, "base64"),
  };
  const withinBounds =
    parsed.log2Cost >= 10 &&
    parsed.log2Cost <= 20 &&
    parsed.blockSize >= 1 &&
    parsed.blockSize <= 16 &&
    parsed.parallelism >= 1 &&
    parsed.parallelism <= 4 &&
    parsed.salt.length >= 8 &&
    parsed.key.length >= 16;
  return withinBounds ? parsed : undefined;
};

const derive = (password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    scrypt(password.normalize("NFC"), salt, keyLength, options, (error, key) =>
      error === null ? resolve(key) : reject(error),
    );
  });

/** scrypt needs 128·N·r bytes; allow twice that. */
const optionsOf = ({
  log2Cost,
  blockSize,
  parallelism,
}: Omit<ParsedHash, "salt" | "key">): ScryptOptions => ({
  N: 2 ** log2Cost,
  r: blockSize,
  p: parallelism,
  maxmem: 256 * 2 ** log2Cost * blockSize,
});

const base64 = (bytes: Buffer): string => bytes.toString("base64").replace(/=+$/, "");

/** Whether `hash` is a password hash this module can verify. */
export const isDevPasswordHash = (hash: string): boolean => parse(hash) !== undefined;

/** A new salted scrypt hash of `password` (asynchronous: scrypt runs on the thread pool). */
export const hashDevPassword = async (password: string): Promise<string> => {
  const parameters = { log2Cost: LOG2_COST, blockSize: BLOCK_SIZE, parallelism: PARALLELISM };
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, optionsOf(parameters));
  return `$scrypt$ln=${LOG2_COST},r=${BLOCK_SIZE},p=${PARALLELISM}$${base64(salt)}$${base64(key)}`;
};

/** Whether `password` matches `hash`, compared in constant time; `false` for a hash it cannot read. */
export const verifyDevPassword = async (password: string, hash: string): Promise<boolean> => {
  const parsed = parse(hash);
  if (parsed === undefined) return false;
  const key = await derive(password, parsed.salt, parsed.key.length, optionsOf(parsed));
  return timingSafeEqual(key, parsed.key);
};
