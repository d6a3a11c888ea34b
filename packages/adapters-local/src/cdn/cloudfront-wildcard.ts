/**
 * CloudFront's wildcard match, used by both a cache behaviour's path pattern and a policy's
 * `Resource`: `*` stands for any run of characters (none included, `/` and `?` included), `?` for
 * exactly one character, everything else for itself, case-sensitively. There is no escape.
 *
 * Matched in time proportional to the product of the lengths at worst (the usual backtrack to
 * the last star), never exponentially, whatever the pattern.
 */
export const wildcardMatches = (pattern: string, value: string): boolean => {
  // Code points, so `?` takes a whole character, as it does in a URL's decoded form.
  const wanted = Array.from(pattern);
  const given = Array.from(value);
  let p = 0;
  let v = 0;
  let lastStar = -1;
  let resumeAt = 0;
  while (v < given.length) {
    const expected = wanted[p];
    if (expected !== undefined && expected !== "*" && (expected === "?" || expected === given[v])) {
      p += 1;
      v += 1;
    } else if (expected === "*") {
      lastStar = p;
      resumeAt = v;
      p += 1;
    } else if (lastStar !== -1) {
      // Let the last star take one more character and try again from there.
      p = lastStar + 1;
      resumeAt += 1;
      v = resumeAt;
    } else {
      return false;
    }
  }
  while (wanted[p] === "*") p += 1;
  return p === wanted.length;
};
