import { mkdir, open, rm } from "node:fs/promises";
import { join } from "node:path";
import { Effect } from "effect";
import { userPrincipal } from "@ovs/domain";
import type { Ovs } from "../composition/create-ovs.js";

/** The account the CLI acts as on a fresh service: staff, so it may create collections. */
export const OPERATOR_USERNAME = "ovs-operator";
export const CLI_TOKEN_FILE = "cli-token";

/**
 * On a service's first start, signs up the operator account and writes an API token for it to
 * `<dataDir>/cli-token`, readable by its owner only, so the CLI works without a browser sign-in.
 * A file already there is left alone: it is the operator's, and may hold a token they chose.
 */
export const writeOperatorTokenOnce = async (
  ovs: Ovs,
  dataDir: string,
  options: {
    /** The in-memory profile forgets its tokens at every stop, so its file is written anew each start. */
    readonly replace?: boolean;
  } = {},
): Promise<string | null> => {
  const path = join(dataDir, CLI_TOKEN_FILE);
  await mkdir(dataDir, { recursive: true });
  if (options.replace === true) await rm(path, { force: true });
  let file;
  try {
    file = await open(path, "wx", 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return null;
    throw error;
  }
  try {
    const operator = await Effect.runPromise(
      ovs.ports.users.upsertByUsername(
        {
          username: OPERATOR_USERNAME,
          email: `${OPERATOR_USERNAME}@localhost`,
          isSuperuser: false,
          isStaff: true,
        },
        ovs.ports.clock.now(),
      ),
    );
    const issued = await ovs.useCases.issueApiToken(userPrincipal(operator), {
      name: "ovs CLI (written at first start)",
      expires_in_days: 365,
    });
    await file.writeFile(`${issued.token}\n`);
    await file.close();
    return path;
  } catch (error) {
    // No half-written file: the next start tries again.
    await file.close();
    await rm(path, { force: true });
    throw error;
  }
};
