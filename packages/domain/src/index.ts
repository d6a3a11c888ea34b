// Checked first: a wrong `effect` major must fail here, with the fix, not at the first call.
import "./runtime/effect-peer-check.js";

export * from "./model/index.js";
export * from "./policy/index.js";
export * from "./ports/index.js";
export * from "./usecases/index.js";
export { RandomIdGenerator } from "./runtime/random-id-generator.js";
export { SystemClock } from "./runtime/system-clock.js";
