const MAXIMUM_LENGTH = 2048;
const PLACEHOLDER_ORIGIN = "http://local.invalid";

/**
 * Where to send the browser after sign-in: `next` when it is a path on this site, otherwise `/`
 * (docs/architecture.md §6.9). A local path starts with one `/` and has no backslash and no
 * control character (browsers drop tabs and newlines, turning `/\t/evil` into `//evil`), and
 * stays on this origin when resolved.
 */
export const localNextPath = (next: unknown): string => {
  if (typeof next !== "string" || next.length === 0 || next.length > MAXIMUM_LENGTH) return "/";
  if (!next.startsWith("/") || next.startsWith("//")) return "/";
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(next)) return "/";
  if (!URL.canParse(next, PLACEHOLDER_ORIGIN)) return "/";
  return new URL(next, PLACEHOLDER_ORIGIN).origin === PLACEHOLDER_ORIGIN ? next : "/";
};
