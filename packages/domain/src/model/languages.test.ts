import { describe, expect, it } from "vitest";
import { LANGUAGES, isLanguageCode, languageName } from "./languages.js";

describe("languageName — pycountry 24.6.1 `languages.get(alpha_2=…).name`", () => {
  it.each([
    ["en", "English"],
    ["zh", "Chinese"],
    ["el", "Modern Greek (1453-)"],
    ["es", "Spanish"],
    ["fr", "French"],
    ["de", "German"],
    ["ms", "Malay (macrolanguage)"],
    ["ne", "Nepali (macrolanguage)"],
    ["oc", "Occitan (post 1500)"],
    ["ia", "Interlingua (International Auxiliary Language Association)"],
    ["nb", "Norwegian Bokmål"],
    ["vo", "Volapük"],
    ["dv", "Dhivehi"],
    ["ny", "Nyanja"],
    ["sh", "Serbo-Croatian"],
    ["to", "Tonga (Tonga Islands)"],
    ["ht", "Haitian"],
  ])("%s → %s", (code, name) => {
    expect(languageName(code)).toBe(name);
  });

  it.each(["xx", "", "EN", "eng", "e", "constructor", "__proto__", "toString"])(
    "is null for the unknown code %j",
    (code) => {
      expect(languageName(code)).toBeNull();
      expect(isLanguageCode(code)).toBe(false);
    },
  );

  it("knows all 184 two-letter codes of ISO 639-3, each of two lower-case letters", () => {
    expect(LANGUAGES).toHaveLength(184);
    for (const { code, name } of LANGUAGES) {
      expect(code).toMatch(/^[a-z]{2}$/);
      expect(isLanguageCode(code)).toBe(true);
      expect(languageName(code)).toBe(name);
    }
  });

  it("lists the codes in alphabetical order", () => {
    const codes = LANGUAGES.map(({ code }) => code);
    expect(codes).toEqual([...codes].sort());
  });
});
