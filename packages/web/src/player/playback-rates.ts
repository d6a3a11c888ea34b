export const PLAYBACK_RATES = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2] as const;

/** What each key does on the focused player (YouTube's keys, which most people know). */
export type PlayerCommand =
  | { readonly kind: "toggle-play" }
  | { readonly kind: "seek-by"; readonly seconds: number }
  | { readonly kind: "volume-by"; readonly step: number }
  | { readonly kind: "toggle-mute" }
  | { readonly kind: "toggle-captions" }
  | { readonly kind: "toggle-fullscreen" }
  | { readonly kind: "rate-by"; readonly step: number };

export const commandForKey = (key: string, shiftKey: boolean): PlayerCommand | undefined => {
  switch (key) {
    case " ":
    case "k":
      return { kind: "toggle-play" };
    case "ArrowLeft":
      return { kind: "seek-by", seconds: -5 };
    case "ArrowRight":
      return { kind: "seek-by", seconds: 5 };
    case "j":
      return { kind: "seek-by", seconds: -10 };
    case "l":
      return { kind: "seek-by", seconds: 10 };
    case "ArrowUp":
      return { kind: "volume-by", step: 0.1 };
    case "ArrowDown":
      return { kind: "volume-by", step: -0.1 };
    case "m":
      return { kind: "toggle-mute" };
    case "c":
      return { kind: "toggle-captions" };
    case "f":
      return { kind: "toggle-fullscreen" };
    case ">":
      return shiftKey ? { kind: "rate-by", step: 1 } : undefined;
    case "<":
      return shiftKey ? { kind: "rate-by", step: -1 } : undefined;
    default:
      return undefined;
  }
};

/** The rate one step faster or slower than `rate`, within the offered rates. */
export const nextRate = (rate: number, step: number): number => {
  const index = PLAYBACK_RATES.findIndex((offered) => offered >= rate);
  const current = index < 0 ? PLAYBACK_RATES.length - 1 : index;
  const next = Math.min(PLAYBACK_RATES.length - 1, Math.max(0, current + step));
  return PLAYBACK_RATES[next] ?? 1;
};
