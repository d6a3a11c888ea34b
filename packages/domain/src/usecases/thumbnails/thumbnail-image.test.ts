import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readThumbnailImage } from "./thumbnail-image.js";
import { jpegBytes, pngBytes } from "../../testing/image-bytes.js";

const gifBytes = (): Uint8Array => new TextEncoder().encode("GIF89a\u0001\u0000\u0001\u0000");

describe("reading an uploaded thumbnail's header", () => {
  it("reads a JPEG's size from its frame header, past the segments before it", () => {
    expect(readThumbnailImage(jpegBytes(640, 360))).toEqual({
      contentType: "image/jpeg",
      width: 640,
      height: 360,
    });
  });

  it("reads progressive JPEGs too", () => {
    expect(readThumbnailImage(jpegBytes(1280, 720, { progressive: true }))).toEqual({
      contentType: "image/jpeg",
      width: 1280,
      height: 720,
    });
  });

  it("reads a PNG's size from its IHDR chunk", () => {
    expect(readThumbnailImage(pngBytes(320, 180))).toEqual({
      contentType: "image/png",
      width: 320,
      height: 180,
    });
  });

  it("refuses other images, text, truncated headers and empty sizes", () => {
    expect(readThumbnailImage(gifBytes())).toBeUndefined();
    expect(
      readThumbnailImage(new TextEncoder().encode("<svg xmlns='http://www.w3.org/2000/svg'/>")),
    ).toBeUndefined();
    expect(readThumbnailImage(jpegBytes(640, 360).slice(0, 12))).toBeUndefined();
    expect(readThumbnailImage(pngBytes(320, 180).slice(0, 20))).toBeUndefined();
    expect(readThumbnailImage(jpegBytes(0, 360))).toBeUndefined();
    expect(readThumbnailImage(pngBytes(320, 0))).toBeUndefined();
    expect(readThumbnailImage(new Uint8Array())).toBeUndefined();
  });

  it("refuses a JPEG whose image data starts before any frame header", () => {
    expect(
      readThumbnailImage(Uint8Array.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x08, 1, 2, 3, 4, 5, 6])),
    ).toBeUndefined();
  });

  it("never fails on arbitrary bytes, and any size it reports is positive", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (tail, asJpeg) => {
        const head = asJpeg ? [0xff, 0xd8, 0xff] : [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
        const image = readThumbnailImage(Uint8Array.from([...head, ...tail]));
        return image === undefined || (image.width > 0 && image.height > 0);
      }),
    );
  });

  it("reads back any size it is given", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 65_535 }),
        fc.integer({ min: 1, max: 65_535 }),
        (width, height) => {
          expect(readThumbnailImage(jpegBytes(width, height))).toMatchObject({ width, height });
          expect(readThumbnailImage(pngBytes(width, height))).toMatchObject({ width, height });
        },
      ),
    );
  });
});
