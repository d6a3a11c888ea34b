/**
 * A four-camera recording has one camera per quadrant of the frame. The crop control shows one
 * quadrant at full size, or the whole frame.
 */
export const CROPS = ["all", "top-left", "top-right", "bottom-left", "bottom-right"] as const;
export type Crop = (typeof CROPS)[number];

export const CROP_LABELS: Readonly<Record<Crop, string>> = {
  all: "All four cameras",
  "top-left": "Camera 1 (top left)",
  "top-right": "Camera 2 (top right)",
  "bottom-left": "Camera 3 (bottom left)",
  "bottom-right": "Camera 4 (bottom right)",
};

/** The class that scales the video so that quadrant fills the frame (see styles.css). */
export const cropClass = (crop: Crop): string => `crop-${crop}`;
