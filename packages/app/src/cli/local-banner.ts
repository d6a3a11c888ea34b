import type { LocalServices } from "../composition/create-ovs.js";
import type { AppConfig } from "../config/index.js";

/**
 * What a person who just ran `pnpm start` needs on one screen: where the service and its CDN
 * answer, how to sign in, where the data lives and how to start over.
 */
export const localBanner = (config: AppConfig, local: LocalServices): string => {
  const accounts = local.devUsers.created
    ? [
        "  Dev accounts (passwords shown this once; the file keeps only their hashes):",
        ...local.devUsers.accounts.map(
          (account) => `    ${account.role.padEnd(10)} ${account.email.padEnd(20)} ${account.password}`,
        ),
      ]
    : [
        `  Dev accounts: in ${local.devUsers.file}`,
        "    (add one, or set a new password: pnpm ovs user add <email> --password <password> [--staff] [--superuser])",
      ];
  return [
    "",
    "  OVS is running (local profile)",
    `  App         ${config.baseUrl}`,
    `  Sign in     ${config.baseUrl}/login/`,
    `  CDN         ${local.cdnUrl ?? "(served by another process)"}`,
    `  Mail        ${config.baseUrl}/dev/mail`,
    `  Health      ${config.baseUrl}/health/readiness`,
    ...accounts,
    `  Data        ${local.dataDir}`,
    `  Reset       stop the service, delete ${local.dataDir}, start again`,
    "  CLI         pnpm ovs collection list   (uses the operator token in the data folder)",
    "",
    "",
  ].join("\n");
};
