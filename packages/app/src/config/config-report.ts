import type { AppConfig } from "./app-config.js";
import type { ConfigVariable } from "./env-reader.js";

const lineOf = (variable: ConfigVariable): string => {
  switch (variable.origin) {
    case "environment":
      return `${variable.name}=${variable.shown ?? ""}`;
    case "default":
      return `${variable.name}=${variable.shown ?? ""} (default)`;
    case "generated":
      return `${variable.name}=${variable.shown ?? ""} (generated)`;
    case "off":
      return `${variable.name}= (off)`;
    case "unset":
      return `${variable.name}= (not set${variable.whenUnset === undefined ? "" : `: ${variable.whenUnset}`})`;
  }
};

/**
 * The effective configuration, as `ovs config check` prints it: one `NAME=value` line per
 * variable the profile reads, in a fixed order, marked when the value is a default, was
 * generated, is absent or turns its feature off. Secrets show as `****` (a database URL shows all but its password):
 * the lines come from what `readConfig` kept, which never holds a secret's text.
 */
export const describeConfig = (config: AppConfig): string => config.variables.map(lineOf).join("\n");
