import { Either, Option, Schema } from "effect";
import type { EnvValue } from "./env-value.js";

/** The process environment, or any map standing in for it. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Where a variable's effective value came from; `off`: set to an empty value, which turns its feature off. */
export type ConfigOrigin = "environment" | "default" | "generated" | "unset" | "off";

/**
 * One variable as the configuration report shows it. `shown` is safe to print: secrets are
 * already `****` here, so the report cannot leak them whatever it does.
 */
export interface ConfigVariable {
  readonly name: string;
  /** The value as it would be written in the environment; null when unset. */
  readonly shown: string | null;
  readonly origin: ConfigOrigin;
  /** For an unset variable: what its absence means (`PGlite under OVS_DATA_DIR`). */
  readonly whenUnset?: string;
}

export const MASK = "****";

/**
 * Reads variables one by one, decoding each once with its schema, and keeps every problem
 * rather than stopping at the first, so one run names all that is wrong. Each read answers
 * `Option.none()` exactly when it recorded a problem (or when a value it depends on did), so a
 * configuration assembled from `Some`s is complete whenever `problems` is empty.
 */
export class EnvReader {
  private readonly problemLines: Array<string> = [];
  private readonly reported: Array<ConfigVariable> = [];

  constructor(private readonly env: Env) {}

  get problems(): ReadonlyArray<string> {
    return this.problemLines;
  }

  get variables(): ReadonlyArray<ConfigVariable> {
    return this.reported;
  }

  /**
   * A variable that was renamed: set under its old name, it would be silently ignored, so it is a
   * problem that names the new one.
   */
  renamed(oldName: string, newName: string): void {
    if (this.env[oldName] !== undefined) {
      this.problemLines.push(`${oldName}: renamed to ${newName}; set that instead`);
    }
  }

  /** A problem found by comparing settings: the line names every variable involved. */
  problem(line: string): void {
    this.problemLines.push(line);
  }

  /** Set and not blank; secrets keep their exact text, other values lose surrounding blanks. */
  private textOf(name: string, value: { readonly secret: boolean }): string | undefined {
    const raw = this.env[name];
    if (raw === undefined || raw.trim() === "") return undefined;
    return value.secret ? raw : raw.trim();
  }

  private decode<A>(
    name: string,
    value: EnvValue<A>,
    text: string,
    origin: "environment" | "default" | "generated",
  ): Option.Option<A> {
    const decoded = Schema.decodeUnknownEither(value.schema)(text);
    if (Either.isLeft(decoded)) {
      this.problemLines.push(
        value.secret
          ? `${name}: expected ${value.expected} (the value is not shown)`
          : `${name}: expected ${value.expected}, got ${JSON.stringify(text)}`,
      );
      return Option.none();
    }
    this.reported.push({ name, shown: this.shown(value, text, decoded.right), origin });
    return Option.some(decoded.right);
  }

  /**
   * What the report shows: a secret masked; any other value encoded back from what was decoded,
   * so it is the effective value (`https://video.example.edu/` shows without its slash).
   */
  private shown<A>(value: EnvValue<A>, text: string, decoded: A): string {
    if (value.show !== undefined) return value.show(text);
    if (value.secret) return MASK;
    return Either.getOrElse(Schema.encodeEither(value.schema)(decoded), () => text);
  }

  /** `requiredIn` says where the variable is required: `the aws profile`. */
  required<A>(name: string, value: EnvValue<A>, requiredIn: string): Option.Option<A> {
    const text = this.textOf(name, value);
    if (text === undefined) {
      this.problemLines.push(`${name}: missing, expected ${value.expected} (required in ${requiredIn})`);
      return Option.none();
    }
    return this.decode(name, value, text, "environment");
  }

  /** `defaultText` is written as the variable would be, and decoded like it, so the report shows it as such. */
  withDefault<A>(name: string, value: EnvValue<A>, defaultText: string): Option.Option<A> {
    const text = this.textOf(name, value);
    return text === undefined
      ? this.decode(name, value, defaultText, "default")
      : this.decode(name, value, text, "environment");
  }

  /** A value made up when none is given (a development secret); it is reported as generated. */
  generated<A>(name: string, value: EnvValue<A>, generate: () => string): Option.Option<A> {
    const text = this.textOf(name, value);
    return text === undefined
      ? this.decode(name, value, generate(), "generated")
      : this.decode(name, value, text, "environment");
  }

  /**
   * Like `withDefault`, except that a value set but empty (`NAME=`) reads as null: the one kind of
   * variable where blank is not the same as unset, because it turns a default off (a schedule).
   */
  withDefaultOrOff<A>(name: string, value: EnvValue<A>, defaultText: string): Option.Option<A | null> {
    const raw = this.env[name];
    if (raw !== undefined && raw.trim() === "") {
      this.reported.push({ name, shown: "", origin: "off" });
      return Option.some(null);
    }
    return this.withDefault(name, value, defaultText);
  }

  /** `undefined` when unset; `whenUnset` tells the report what that means. */
  optional<A>(name: string, value: EnvValue<A>, whenUnset: string): Option.Option<A | undefined> {
    const text = this.textOf(name, value);
    if (text === undefined) {
      this.reported.push({ name, shown: null, origin: "unset", whenUnset });
      return Option.some(undefined);
    }
    return this.decode(name, value, text, "environment");
  }
}
