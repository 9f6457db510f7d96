/** Request counters of one server: a total and named tables of counts. */
export class Counters<Table extends string> {
  #requests = 0;
  readonly #tables: Record<Table, Record<string, number>>;

  constructor(tables: readonly Table[]) {
    this.#tables = Object.fromEntries(tables.map((name) => [name, {}])) as Record<
      Table,
      Record<string, number>
    >;
  }

  /** Counts one request. */
  request(): void {
    this.#requests += 1;
  }

  /** Adds one to `key` in `table`. */
  count(table: Table, key: string): void {
    const counts: Record<string, number> = this.#tables[table];
    counts[key] = (counts[key] ?? 0) + 1;
  }

  /** A copy: later counting does not change it. */
  snapshot(): { requests: number } & Record<Table, Record<string, number>> {
    const tables = Object.fromEntries(
      Object.entries(this.#tables).map(([name, counts]) => [name, { ...(counts as object) }]),
    ) as Record<Table, Record<string, number>>;
    return { requests: this.#requests, ...tables };
  }
}
