import { packageProject } from "../../vitest.shared.js";

// The browser test starts the real program, transcodes a video and drives Chromium through it.
export default packageProject("web", { testTimeout: 240_000 });
