import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  /** Epoch milliseconds after which the entry is gone; `undefined` = no expiry. */
  expiresAtMs: number | undefined;
}

/**
 * oidc-provider storage held in memory, one instance per model name, all sharing one store per
 * provider. Expiry is checked when an entry is read, so nothing runs in the background and a
 * stopped provider leaves no timer behind.
 */
export class MemoryAdapter implements Adapter {
  readonly #name: string;
  readonly #store: Map<string, Entry>;

  constructor(name: string, store: Map<string, Entry>) {
    this.#name = name;
    this.#store = store;
  }

  /** A factory for oidc-provider's `adapter` option with a fresh store. */
  static factory(): (name: string) => MemoryAdapter {
    const store = new Map<string, Entry>();
    return (name) => new MemoryAdapter(name, store);
  }

  #key(id: string): string {
    return `${this.#name}:${id}`;
  }

  #read(key: string): AdapterPayload | undefined {
    const entry = this.#store.get(key);
    if (!entry) return undefined;
    if (entry.expiresAtMs !== undefined && entry.expiresAtMs <= Date.now()) {
      this.#store.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const expiresAtMs = expiresIn ? Date.now() + expiresIn * 1000 : undefined;
    this.#store.set(this.#key(id), { payload, expiresAtMs });
    // Secondary keys point at the primary one so lookups by uid / user code / grant stay cheap.
    if (payload.uid)
      this.#store.set(`${this.#name}:uid:${payload.uid}`, {
        payload: { id } as AdapterPayload,
        expiresAtMs,
      });
    if (payload.userCode) {
      this.#store.set(`${this.#name}:userCode:${payload.userCode}`, {
        payload: { id } as AdapterPayload,
        expiresAtMs,
      });
    }
    if (payload.grantId) {
      const grantKey = `grant:${payload.grantId}`;
      const keys =
        (this.#store.get(grantKey)?.payload as { keys?: string[] } | undefined)?.keys ?? [];
      keys.push(this.#key(id));
      this.#store.set(grantKey, { payload: { keys } as AdapterPayload, expiresAtMs: undefined });
    }
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.#read(this.#key(id));
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const pointer = this.#read(`${this.#name}:uid:${uid}`);
    return typeof pointer?.id === 'string' ? this.find(pointer.id) : undefined;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const pointer = this.#read(`${this.#name}:userCode:${userCode}`);
    return typeof pointer?.id === 'string' ? this.find(pointer.id) : undefined;
  }

  async consume(id: string): Promise<void> {
    const payload = this.#read(this.#key(id));
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    this.#store.delete(this.#key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const grantKey = `grant:${grantId}`;
    const keys =
      (this.#store.get(grantKey)?.payload as { keys?: string[] } | undefined)?.keys ?? [];
    for (const key of keys) this.#store.delete(key);
    this.#store.delete(grantKey);
  }
}
