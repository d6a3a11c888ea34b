/**
 * Naming policy for lecture-capture files dropped into the watch bucket
 * (docs/upstream.md §5, upstream `cloudsync/api.py`:
 * `parse_lecture_video_filename`, `create_lecture_collection_slug`,
 * `create_lecture_video_title`). Collections are found by slug, so the slug and title rules
 * must match upstream byte for byte or re-ingested lectures land in new collections.
 */

/** Upstream `UNSORTED_COLLECTION`: the slug of the collection for files whose name does not parse. */
export const UNSORTED_COLLECTION = "Unsorted";

/** A calendar date; `month` is 1-based. */
export interface RecordDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export interface LectureFilenameMatched {
  readonly _tag: "Matched";
  /** Everything before the last workable `-lec-mit-0000-`, folder path included (as upstream). */
  readonly prefix: string;
  /** Session or room such as `L01` or `2-190`; empty when the name has none. */
  readonly session: string;
  /** The raw recording date, e.g. `2017apr06`. */
  readonly dateText: string;
  /** `dateText` read as Python `strptime(dateText, "%Y%b%d")`; null when that would fail. */
  readonly recordDate: RecordDate | null;
  /** The raw recording time digits, e.g. `0404`. */
  readonly time: string;
}

export interface LectureFilenameUnmatched {
  readonly _tag: "Unmatched";
}

export type ParsedLectureFilename = LectureFilenameMatched | LectureFilenameUnmatched;

// Upstream's pattern `(.+)-lec-mit-0000-(\w+)-(\d+)(-([L\d\-]+))?.*\.\w`, run with Python
// `re.search`, translated so that it matches the same strings: Python's `.` excludes only "\n"
// (JavaScript's also excludes "\r", U+2028 and U+2029), and Python's `\w` and `\d` are Unicode-aware
// on str patterns (JavaScript's stay ASCII even with the `u` flag).
const PYTHON_WORD = String.raw`[\p{L}\p{N}_]`;
const PYTHON_DIGIT = String.raw`\p{Nd}`;
const LECTURE_FILENAME = new RegExp(
  String.raw`([^\n]+)-lec-mit-0000-(${PYTHON_WORD}+)-(${PYTHON_DIGIT}+)(-([L${PYTHON_DIGIT}\-]+))?[^\n]*\.${PYTHON_WORD}`,
  "u",
);

const MONTH_ABBREVIATIONS = [
  "jan",
  "feb",
  "mar",
  "apr",
  "may",
  "jun",
  "jul",
  "aug",
  "sep",
  "oct",
  "nov",
  "dec",
] as const;

const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
] as const;

// Python builds `%Y%b%d` into `(\d\d\d\d)(jan|…|dec)(3[01]|[12]\d|0[1-9]|[1-9]| [1-9])`, compiled
// case-insensitively with Unicode `\d`, and rejects leftover characters, so the anchored form below
// accepts the same strings. A one-digit day is therefore valid (`2017apr6`), and so is a year in
// Arabic-Indic digits, which Python's `int` reads.
const PYTHON_STRPTIME_YEAR_MONTH_DAY = new RegExp(
  String.raw`^(${PYTHON_DIGIT}{4})(${MONTH_ABBREVIATIONS.join("|")})(3[01]|[12]${PYTHON_DIGIT}|0[1-9]|[1-9])$`,
  "iu",
);

const IS_DECIMAL_DIGIT = new RegExp(`^${PYTHON_DIGIT}$`, "u");

// Unicode encodes every decimal digit set as a contiguous run of ten, zero first, and adjacent
// runs (the mathematical digits) are whole sets, so the offset from the start of the surrounding
// block of decimal digits, modulo ten, is the digit's value.
const decimalDigitValue = (codePoint: number): number => {
  let blockStart = codePoint;
  while (IS_DECIMAL_DIGIT.test(String.fromCodePoint(blockStart - 1))) blockStart -= 1;
  return (codePoint - blockStart) % 10;
};

/** Python `int()` of a string of Unicode decimal digits. */
const decimalNumber = (digits: string): number =>
  Array.from(digits).reduce((total, digit) => total * 10 + decimalDigitValue(digit.codePointAt(0) ?? 0), 0);

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

const daysInMonth = (year: number, month: number): number => {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
};

/** Python `datetime.strptime(text, "%Y%b%d")` in the C locale, as a date or null where Python raises. */
export const parsePythonYearMonthDay = (text: string): RecordDate | null => {
  const match = PYTHON_STRPTIME_YEAR_MONTH_DAY.exec(text);
  if (match === null) return null;
  const [, yearText = "", monthText = "", dayText = ""] = match;
  const year = decimalNumber(yearText);
  // Unicode case folding lets "ſep" match "sep"; Python then looks the lowered text up in its
  // month list, misses, and raises, so a miss here is a failed parse too.
  const monthIndex = MONTH_ABBREVIATIONS.findIndex(
    (abbreviation) => abbreviation === monthText.toLowerCase(),
  );
  const month = monthIndex + 1;
  const day = decimalNumber(dayText);
  // Python's datetime has no year 0 and rejects days past the end of the month (`2017feb30`).
  if (year < 1 || monthIndex < 0 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
};

/**
 * Reads a watch-bucket key the way upstream's `parse_lecture_video_filename` does: the pattern is
 * searched anywhere in the key (Python `re.search`), so a folder path or any other text before the
 * last workable `-lec-mit-0000-` becomes part of the prefix, and the extension only has to be
 * somewhere after the time.
 */
export const parseLectureFilename = (key: string): ParsedLectureFilename => {
  const match = LECTURE_FILENAME.exec(key);
  if (match === null) return { _tag: "Unmatched" };
  const [, prefix = "", dateText = "", time = "", , session = ""] = match;
  return {
    _tag: "Matched",
    prefix,
    session,
    dateText,
    recordDate: parsePythonYearMonthDay(dateText),
    time,
  };
};

/**
 * Upstream `create_lecture_collection_slug`. The unsorted slug is a setting upstream
 * (`UNSORTED_COLLECTION`), hence the parameter.
 */
export const lectureCollectionSlug = (
  parsed: ParsedLectureFilename,
  unsortedCollectionSlug: string = UNSORTED_COLLECTION,
): string => {
  if (parsed._tag === "Unmatched") return unsortedCollectionSlug;
  return parsed.session === "" ? parsed.prefix : `${parsed.prefix}-${parsed.session}`;
};

/**
 * Python `date.strftime("%B %d, %Y")` in the C locale. Years below 1000 are padded to four digits
 * (the input had four digits anyway); Python on glibc writes `5` for year 5 in some versions.
 */
export const formatLectureDate = (date: RecordDate): string => {
  const monthName = MONTH_NAMES[date.month - 1] ?? String(date.month);
  return `${monthName} ${String(date.day).padStart(2, "0")}, ${String(date.year).padStart(4, "0")}`;
};

/** Upstream `create_lecture_video_title`; `key` is the title when the name did not parse. */
export const lectureVideoTitle = (parsed: ParsedLectureFilename, key: string): string => {
  if (parsed._tag === "Unmatched") return key;
  return `Lecture - ${parsed.recordDate === null ? parsed.dateText : formatLectureDate(parsed.recordDate)}`;
};

export interface LectureCaptureDescription {
  readonly slug: string;
  readonly title: string;
}

export const describeLectureCapture = (
  key: string,
  unsortedCollectionSlug: string = UNSORTED_COLLECTION,
): LectureCaptureDescription => {
  const parsed = parseLectureFilename(key);
  return {
    slug: lectureCollectionSlug(parsed, unsortedCollectionSlug),
    title: lectureVideoTitle(parsed, key),
  };
};

/** Extensions (lower case, no dot) of the files the watch bucket ingests. */
export const WATCH_BUCKET_VIDEO_EXTENSIONS: ReadonlySet<string> = new Set([
  "mp4",
  "mov",
  "m4v",
  "mkv",
  "avi",
  "webm",
  "mpg",
  "mpeg",
  "wmv",
  "flv",
  "ts",
  "mts",
  "m2ts",
]);

// Python `os.path.splitext` on one path segment, the rule upstream uses for the stored key's
// extension: leading dots belong to the name, so ".mp4" and "..mp4" have no extension.
const extensionOfName = (name: string): string => {
  let firstNonDot = 0;
  while (name[firstNonDot] === ".") firstNonDot += 1;
  const lastDot = name.lastIndexOf(".");
  return lastDot > firstNonDot ? name.slice(lastDot + 1) : "";
};

/**
 * Whether a watch-bucket key is a video worth ingesting (docs/architecture.md §6.8). Upstream ingests
 * every key, so folder markers and stray files such as `Thumbs.db` became broken videos.
 */
export const isIngestibleWatchKey = (key: string): boolean => {
  if (key === "" || key.endsWith("/")) return false;
  const name = key.slice(key.lastIndexOf("/") + 1);
  return WATCH_BUCKET_VIDEO_EXTENSIONS.has(extensionOfName(name).toLowerCase());
};
