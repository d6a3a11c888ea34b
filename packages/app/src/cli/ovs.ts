#!/usr/bin/env node
import { Either, Redacted } from "effect";
import { Command, Option } from "commander";
import { describeConfig, readConfig } from "../config/index.js";
import type { AppConfig } from "../config/index.js";
import { registerDataCommands } from "./data-commands.js";
import type { Role } from "./serve.js";

/** Reads the configuration or stops the program with one line per problem, naming the variable. */
const configOrExit = (): AppConfig => {
  const config = readConfig(process.env);
  if (Either.isRight(config)) return config.right;
  for (const problem of config.left.problems) process.stderr.write(`ovs: ${problem}\n`);
  process.exit(2);
};

const program = new Command()
  .name("ovs")
  .description(
    "OVS, the open video service: serve the API and the workers, migrate, check the configuration, and work with a running service's data",
  );

program
  .command("serve")
  .description("serve the web API and work the queues (or one role of the two)")
  .addOption(
    new Option("--role <role>", "what this process does").choices(["web", "worker", "all"]).default("all"),
  )
  .action(async (options: { role: Role }) => {
    // The server stack loads only for the process commands: data commands start in half the time.
    const { serve } = await import("./serve.js");
    await serve(configOrExit(), options.role);
  });

program
  .command("migrate")
  .description("bring the database to the latest schema (under a lock, so concurrent starts migrate once)")
  .action(async () => {
    const config = configOrExit();
    if (config.databaseUrl === null) {
      process.stderr.write(
        "ovs: DATABASE_URL is not set: the embedded database migrates when the service starts\n",
      );
      process.exit(2);
    }
    const { openPostgresDatabase } = await import("@ovs/adapters-postgres");
    const database = await openPostgresDatabase(Redacted.value(config.databaseUrl));
    await database.close();
    process.stdout.write("ovs: the database is at the latest schema\n");
  });

program
  .command("config")
  .description("configuration")
  .command("check")
  .description("print the effective configuration, secrets masked; exit non-zero when a setting is wrong")
  .action(() => {
    process.stdout.write(`${describeConfig(configOrExit())}\n`);
  });

const collect = (value: string, previous: ReadonlyArray<string> = []) => [...previous, value];

program
  .command("user")
  .description("the local profile's dev accounts (in $OVS_DATA_DIR/users.json)")
  .command("add")
  .description("add a dev account, or change one (its groups are replaced when --group is given)")
  .argument("<email>", "the account's email, which is also its sign-in name")
  .option("--password <password>", "required for a new account")
  .option("--group <group>", "a group the account is in (repeatable)", collect)
  .option("--staff", "staff: may create collections and set the operator flags")
  .option("--superuser", "superuser: sees and administers everything")
  .action(
    async (
      email: string,
      flags: { password?: string; group?: ReadonlyArray<string>; staff?: boolean; superuser?: boolean },
    ) => {
      const { addDevUser, DevUserInputError, DevUsersFileError } = await import("@ovs/adapters-local");
      const { localPaths } = await import("../composition/local-profile.js");
      const { users } = localPaths(process.env["OVS_DATA_DIR"] ?? ".ovs");
      try {
        const saved = await addDevUser(users, {
          email,
          password: flags.password,
          groups: flags.group,
          staff: flags.staff,
          superuser: flags.superuser,
        });
        process.stdout.write(`ovs: saved ${saved.user.email} in ${users}\n`);
      } catch (error) {
        if (error instanceof DevUserInputError || error instanceof DevUsersFileError) {
          process.stderr.write(`ovs: user add: ${error.message}\n`);
          process.exit(1);
        }
        throw error;
      }
    },
  );

registerDataCommands(program);

await program.parseAsync(process.argv);
