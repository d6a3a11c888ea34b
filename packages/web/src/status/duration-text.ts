/**
 * A duration as a clock reads it: `75.4` → `1:15`, `3725` → `1:02:05`. Empty when there is
 * nothing to show: 0 (the API's "not measured yet"), null, or not a finite, positive number.
 * The video cards, the video page and its "start at" all use it.
 */
export const formatDuration = (seconds: number | null | undefined): string => {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return "";
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = String(whole % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
};
