import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type Koa from "koa";
import type { HttpLogger } from "../../../src/http/koa-app.js";

/** A Koa app listening on 127.0.0.1 with a random port, for tests only. */
export interface KoaTestServer {
  readonly server: Server;
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and cuts every open connection, so no test waits on keep-alive sockets. */
  readonly close: () => Promise<void>;
}

export const startKoa = async <S>(app: Koa<S>): Promise<KoaTestServer> => {
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.once("listening", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

export interface LoggedFailure {
  readonly message: string;
  readonly details: unknown;
}

/** A logger that keeps what it was told. */
export const recordingLogger = (): HttpLogger & { readonly failures: Array<LoggedFailure> } => {
  const failures: Array<LoggedFailure> = [];
  return {
    failures,
    error: (message, details) => {
      failures.push({ message, details });
    },
  };
};
