import path from "node:path";

/**
 * The hidden folder at the top of every bucket folder where the filesystem object store keeps its
 * temp files and metadata sidecars. No object key may start with it, and listings never show it.
 */
export const STORE_FOLDER = ".ovs-object-store";

/** The longest file name most filesystems take (NAME_MAX), in bytes. */
const NAME_MAX_BYTES = 255;

/**
 * S3's bucket naming rules: 3 to 63 lowercase letters, digits, dots and hyphens, starting and
 * ending with a letter or digit, no two dots in a row, not an IP address. A valid name is also a
 * safe folder name: it never starts with a dot and holds no separator.
 */
export const bucketNameProblem = (bucket: string): string | undefined => {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    return `bucket name '${bucket}' must be 3 to 63 lowercase letters, digits, dots or hyphens, starting and ending with a letter or digit`;
  }
  if (bucket.includes("..")) return `bucket name '${bucket}' must not contain '..'`;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(bucket))
    return `bucket name '${bucket}' must not look like an IP address`;
  return undefined;
};

/**
 * Why one `/`-separated segment of a key cannot be a file or folder name below a bucket folder,
 * or undefined when it can. `first` marks the segment directly below the bucket folder, where
 * the store's own folder lives.
 */
export const keySegmentProblem = (segment: string, first: boolean): string | undefined => {
  if (segment === "") return "an empty segment ('//' or a trailing '/')";
  if (segment === "." || segment === "..") return `a '${segment}' segment`;
  if (segment.includes("\0")) return "a NUL character";
  if (segment.includes("\\")) return "a backslash";
  // In unicode mode a well-formed surrogate pair is one code point: this finds only lone halves,
  // which no file name can hold (they would come back as U+FFFD).
  if (/\p{Cs}/u.test(segment)) return "a lone UTF-16 surrogate (not valid Unicode)";
  if (Buffer.byteLength(segment, "utf8") > NAME_MAX_BYTES) {
    return `a segment longer than ${NAME_MAX_BYTES} bytes`;
  }
  if (first && segment === STORE_FOLDER) return `the store's own folder '${STORE_FOLDER}'`;
  return undefined;
};

/** Why a key cannot name a file below its bucket folder, or undefined when it can. */
export const objectKeyProblem = (key: string): string | undefined => {
  if (key.length === 0) return "an object key must not be empty";
  if (key.startsWith("/")) return `object key '${printable(key)}' must not start with '/'`;
  if (key.endsWith("/")) {
    return `object key '${printable(key)}' ends with '/': a folder marker cannot be stored as a file`;
  }
  const segments = key.split("/");
  for (const [index, segment] of segments.entries()) {
    const problem = keySegmentProblem(segment, index === 0);
    if (problem !== undefined) return `object key '${printable(key)}' must not contain ${problem}`;
  }
  return undefined;
};

/** Where a valid key's file lives, with the folders between the bucket folder and it. */
export interface ObjectPath {
  /** The absolute path of the object's file. */
  readonly file: string;
  /** The absolute paths of the folders from the bucket folder (excluded) down to the file's folder. */
  readonly folders: ReadonlyArray<string>;
}

/**
 * The file of `key` below `bucketFolder`: `{ problem }` for a key that is refused, including
 * one that would resolve outside the bucket folder after normalisation (which the segment rules
 * already prevent on every platform; this is the belt to their braces).
 */
export const locateObject = (
  bucketFolder: string,
  key: string,
): { readonly path: ObjectPath } | { readonly problem: string } => {
  const problem = objectKeyProblem(key);
  if (problem !== undefined) return { problem };
  const segments = key.split("/");
  const file = path.resolve(bucketFolder, ...segments);
  const relative = path.relative(bucketFolder, file);
  if (
    relative === "" ||
    path.isAbsolute(relative) ||
    relative.split(path.sep).some((part) => part === ".." || part === "") ||
    relative.split(path.sep).length !== segments.length
  ) {
    return { problem: `object key '${printable(key)}' resolves outside its bucket folder` };
  }
  const folders: Array<string> = [];
  let folder = bucketFolder;
  for (const segment of segments.slice(0, -1)) {
    folder = path.join(folder, segment);
    folders.push(folder);
  }
  return { path: { file, folders } };
};

/** A key as it can be shown in a message: control characters escaped, long keys cut. */
const printable = (key: string): string => {
  const escaped = Array.from(key, (character) => {
    const code = character.codePointAt(0) ?? 0;
    return code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, "0")}` : character;
  }).join("");
  return escaped.length > 200 ? `${escaped.slice(0, 200)}…` : escaped;
};
