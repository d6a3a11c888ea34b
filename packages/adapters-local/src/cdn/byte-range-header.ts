/** What a `Range` header asks of an object of a known size. */
export type RangeAsked =
  /** The whole object: no header, another unit, several ranges, or a header that does not parse. */
  | { readonly kind: "whole" }
  /** Bytes `start` to `end`, both included and both inside the object. */
  | { readonly kind: "range"; readonly start: number; readonly end: number }
  /** A range that starts past the end (or a suffix of nothing): 416. */
  | { readonly kind: "unsatisfiable" };

const WHOLE: RangeAsked = { kind: "whole" };
const UNSATISFIABLE: RangeAsked = { kind: "unsatisfiable" };

const offset = (digits: string): number | undefined => {
  if (!/^\d{1,16}$/.test(digits)) return undefined;
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : undefined;
};

/**
 * One `bytes=` range of RFC 9110 §14.1.2: `first-last`, `first-` or `-suffix`. A server may
 * ignore a Range it does not serve, so several ranges (which would need a multipart answer) and
 * malformed headers get the whole object; only a well-formed single range outside the object is
 * unsatisfiable.
 */
export const rangeAsked = (header: string | undefined, size: number): RangeAsked => {
  if (header === undefined) return WHOLE;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (match === null) return WHOLE;
  const [, firstText = "", lastText = ""] = match;
  if (firstText === "") {
    const suffix = offset(lastText);
    if (suffix === undefined) return WHOLE;
    if (suffix === 0 || size === 0) return UNSATISFIABLE;
    return { kind: "range", start: Math.max(0, size - suffix), end: size - 1 };
  }
  const first = offset(firstText);
  if (first === undefined) return WHOLE;
  if (lastText === "") return first >= size ? UNSATISFIABLE : { kind: "range", start: first, end: size - 1 };
  const last = offset(lastText);
  if (last === undefined || last < first) return WHOLE;
  if (first >= size) return UNSATISFIABLE;
  return { kind: "range", start: first, end: Math.min(last, size - 1) };
};
