import type { S3Client } from "@aws-sdk/client-s3";

export interface LoggedCommand {
  readonly name: string;
  readonly input: Readonly<Record<string, unknown>>;
}

/** Records every command the client sends (name and input), in order, to see what an adapter asked of S3. */
export const recordCommands = (client: S3Client): ReadonlyArray<LoggedCommand> => {
  const log: Array<LoggedCommand> = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      log.push({
        name: context.commandName ?? "unknown",
        input: args.input as Readonly<Record<string, unknown>>,
      });
      return next(args);
    },
    { step: "initialize", name: "ovsCommandLog" },
  );
  return log;
};

export const namesOf = (log: ReadonlyArray<LoggedCommand>): ReadonlyArray<string> =>
  log.map((entry) => entry.name);
