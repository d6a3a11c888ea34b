/** Every contract subject may hold resources (servers, connections) to close after each test. */
export interface Disposable {
  readonly dispose?: () => Promise<void>;
}

/** Runs one test against a fresh subject and disposes of it whatever happens. */
export const withFreshSubject =
  <Subject extends Disposable>(make: () => Promise<Subject>) =>
  async (test: (subject: Subject) => Promise<void>): Promise<void> => {
    const subject = await make();
    try {
      await test(subject);
    } finally {
      await subject.dispose?.();
    }
  };

/**
 * Unique enough across test files and runs that subjects sharing one server (a Keycloak realm,
 * a Postgres database) never trip over each other's names; lowercase letters and digits only.
 */
export const uniqueSuffix = (): string =>
  `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 6)
    .toString(36)
    .padStart(6, "0")}`;
