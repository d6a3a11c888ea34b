/**
 * What an uploaded thumbnail really is, read from its bytes rather than from the type the client
 * declared. The domain has no image library: it checks the signature and reads the dimensions
 * from the header (the PNG `IHDR` chunk, the JPEG start-of-frame segment), which is enough to
 * refuse a file that is not an image and to record the size of one that is.
 */
export interface ThumbnailImage {
  readonly contentType: "image/jpeg" | "image/png";
  readonly width: number;
  readonly height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const IHDR = [0x49, 0x48, 0x44, 0x52];

const startsWith = (bytes: Uint8Array, expected: ReadonlyArray<number>, at = 0): boolean =>
  expected.every((byte, index) => bytes[at + index] === byte);

const uint16 = (bytes: Uint8Array, at: number): number => ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);

const uint32 = (bytes: Uint8Array, at: number): number =>
  (((bytes[at] ?? 0) << 24) |
    ((bytes[at + 1] ?? 0) << 16) |
    ((bytes[at + 2] ?? 0) << 8) |
    (bytes[at + 3] ?? 0)) >>>
  0;

const sized = (
  contentType: ThumbnailImage["contentType"],
  width: number,
  height: number,
): ThumbnailImage | undefined => (width > 0 && height > 0 ? { contentType, width, height } : undefined);

const readPng = (bytes: Uint8Array): ThumbnailImage | undefined => {
  // The IHDR chunk must come first: its length (13), its type, then width and height.
  if (bytes.length < 24 || uint32(bytes, 8) !== 13 || !startsWith(bytes, IHDR, 12)) return undefined;
  return sized("image/png", uint32(bytes, 16), uint32(bytes, 20));
};

/** Start-of-frame markers of every JPEG coding (baseline, progressive, lossless, arithmetic). */
const isStartOfFrame = (marker: number): boolean =>
  marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/** Markers that stand alone, without a length: restarts and TEM. */
const hasNoLength = (marker: number): boolean => (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01;

const readJpeg = (bytes: Uint8Array): ThumbnailImage | undefined => {
  let offset = 2;
  while (offset < bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    while (bytes[offset] === 0xff) offset += 1;
    const marker = bytes[offset];
    offset += 1;
    if (marker === undefined) return undefined;
    if (hasNoLength(marker)) continue;
    // The image data (or its end) comes before any frame header: not a usable JPEG.
    if (marker === 0xda || marker === 0xd9) return undefined;
    const length = uint16(bytes, offset);
    if (length < 2 || offset + length > bytes.length) return undefined;
    if (isStartOfFrame(marker)) {
      if (length < 7) return undefined;
      return sized("image/jpeg", uint16(bytes, offset + 5), uint16(bytes, offset + 3));
    }
    offset += length;
  }
  return undefined;
};

/** The image in `bytes` when it is a JPEG or PNG with a readable header; undefined otherwise. */
export const readThumbnailImage = (bytes: Uint8Array): ThumbnailImage | undefined => {
  if (startsWith(bytes, PNG_SIGNATURE)) return readPng(bytes);
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return readJpeg(bytes);
  return undefined;
};
