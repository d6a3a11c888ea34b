export * from "./model/index.js";
export * from "./policy/index.js";
export * from "./ports/index.js";
export * from "./usecases/index.js";
