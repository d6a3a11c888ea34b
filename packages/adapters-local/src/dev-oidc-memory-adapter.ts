import type { Adapter, AdapterFactory, AdapterPayload } from "oidc-provider";

/** Models whose entries a grant's revocation (logout, a refresh-token reuse) removes. */
const GRANTABLE = new Set([
  "AccessToken",
  "AuthorizationCode",
  "RefreshToken",
  "DeviceCode",
  "BackchannelAuthenticationRequest",
]);
/** Expired entries are swept after this many writes (and read as absent before that). */
const SWEEP_EVERY = 256;

class ExpiringStore {
  private readonly entries = new Map<string, { value: unknown; expiresAt: number }>();
  private writes = 0;

  get(key: string): unknown {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: unknown, expiresInSeconds?: number): void {
    const expiresAt =
      expiresInSeconds === undefined ? Number.POSITIVE_INFINITY : Date.now() + expiresInSeconds * 1000;
    this.entries.set(key, { value, expiresAt });
    this.writes += 1;
    if (this.writes % SWEEP_EVERY === 0) this.sweep();
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
    for (const [key, entry] of this.entries)
      if (entry.value instanceof Set) {
        for (const member of entry.value as Set<string>)
          if (!this.entries.has(member)) entry.value.delete(member);
        if (entry.value.size === 0) this.entries.delete(key);
      }
  }
}

class DevOidcMemoryAdapter implements Adapter {
  constructor(
    private readonly model: string,
    private readonly store: ExpiringStore,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const key = this.key(id);
    if (this.model === "Session" && payload.uid !== undefined)
      this.store.set(`sessionUid:${payload.uid}`, id, expiresIn);
    if (payload.userCode !== undefined) this.store.set(`userCode:${payload.userCode}`, id, expiresIn);
    if (GRANTABLE.has(this.model) && payload.grantId !== undefined) {
      const grantKey = `grant:${payload.grantId}`;
      const members = (this.store.get(grantKey) as Set<string> | undefined) ?? new Set<string>();
      members.add(key);
      this.store.set(grantKey, members);
    }
    this.store.set(key, payload, expiresIn);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.store.get(this.key(id)) as AdapterPayload | undefined;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const id = this.store.get(`sessionUid:${uid}`);
    return typeof id === "string" ? this.find(id) : undefined;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const id = this.store.get(`userCode:${userCode}`);
    return typeof id === "string" ? this.find(id) : undefined;
  }

  async consume(id: string): Promise<void> {
    const payload = await this.find(id);
    if (payload !== undefined) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    this.store.delete(this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const grantKey = `grant:${grantId}`;
    const members = this.store.get(grantKey) as Set<string> | undefined;
    for (const member of members ?? []) this.store.delete(member);
    this.store.delete(grantKey);
  }

  private key(id: string): string {
    return `${this.model}:${id}`;
  }
}

/**
 * oidc-provider's storage for one dev issuer: in memory, entries expire with their TTL, and a
 * grant's revocation removes its codes and tokens. The same as oidc-provider's own quick-start
 * adapter, which the dev issuer does not use only because that one warns on every start.
 * Sessions, codes and tokens do not survive a restart, which the local profile accepts.
 */
export const devOidcMemoryAdapter = (): AdapterFactory => {
  const store = new ExpiringStore();
  return (model) => new DevOidcMemoryAdapter(model, store);
};
