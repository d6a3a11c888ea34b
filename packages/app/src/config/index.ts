export type {
  AppConfig,
  AwsAdaptersConfig,
  AwsClientsConfig,
  LogLevel,
  Profile,
  PlaybackConfig,
  SessionConfig,
} from "./app-config.js";
export { LOG_LEVELS, PROFILES } from "./app-config.js";
export { describeConfig } from "./config-report.js";
export type { ConfigOrigin, ConfigVariable, Env } from "./env-reader.js";
export { ConfigError, DEFAULT_MAX_UPLOAD_BYTES, MIN_SECRET_KEY_LENGTH, readConfig } from "./read-config.js";
export type { WorkersConfig } from "./worker-settings.js";
export {
  DEFAULT_SCHEDULES,
  DEFAULT_WORKERS,
  MAX_WORKERS_PER_QUEUE,
  SCHEDULE_VARIABLES,
  workersVariable,
} from "./worker-settings.js";
