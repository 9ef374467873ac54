// Bazaar's numbers: each backend UUID gets a positive integer the first time the dialect sees it, kept in
// Postgres (bazaar_ids) so it survives a restart of the dialect, and cached in memory both ways.
import type { Db } from '../db/pool.ts';

const UUID_IN_TEXT = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

export class Numbers {
  private readonly byUuid = new Map<string, number>();
  private readonly byNo = new Map<number, string>();
  private readonly inflight = new Map<string, Promise<void>>();

  private constructor(private readonly db: Db) {}

  static async open(db: Db): Promise<Numbers> {
    await db.query('CREATE TABLE IF NOT EXISTS bazaar_ids (n bigserial PRIMARY KEY, uuid uuid NOT NULL UNIQUE)');
    return new Numbers(db);
  }

  private remember(n: number, uuid: string): void {
    this.byUuid.set(uuid, n);
    this.byNo.set(n, uuid);
  }

  /** Gives each UUID a number: cached ones at once, the rest in one statement (new ones persisted). */
  async ensure(uuids: Iterable<string | null | undefined>): Promise<void> {
    const missing = new Set<string>();
    const waiting = new Set<Promise<void>>();
    for (const raw of uuids) {
      const uuid = raw?.toLowerCase();
      if (!uuid || this.byUuid.has(uuid)) continue;
      // Every device of a recipient relays the same notification at once: one statement per UUID, not one per device.
      const pending = this.inflight.get(uuid);
      if (pending) waiting.add(pending);
      else missing.add(uuid);
    }
    if (missing.size) {
      const insert = this.insert([...missing].sort()).finally(() => {
        for (const uuid of missing) this.inflight.delete(uuid);
      });
      for (const uuid of missing) this.inflight.set(uuid, insert);
      waiting.add(insert);
    }
    await Promise.all(waiting);
  }

  // Sorted, so concurrent statements lock rows in one order; DO UPDATE returns the number of a UUID already known.
  private async insert(sorted: string[]): Promise<void> {
    const rows = await this.db.query<{ n: number; uuid: string }>(
      `INSERT INTO bazaar_ids (uuid) SELECT unnest($1::uuid[])
       ON CONFLICT (uuid) DO UPDATE SET uuid = EXCLUDED.uuid RETURNING n, uuid::text AS uuid`,
      [sorted],
    );
    for (const row of rows.rows) this.remember(row.n, row.uuid);
  }

  /** The number of a UUID given to ensure() before. */
  no(uuid: string): number {
    const n = this.byUuid.get(uuid.toLowerCase());
    if (n === undefined) throw new Error(`bazaar: ${uuid} has no number yet (ensure() it first)`);
    return n;
  }

  /** The number of a UUID, or null for null. */
  maybe(uuid: string | null | undefined): number | null {
    return uuid ? this.no(uuid) : null;
  }

  /** The UUID behind a number the dialect issued; undefined for a number it never issued. */
  async uuidOf(n: number): Promise<string | undefined> {
    if (!Number.isSafeInteger(n) || n < 1) return undefined;
    const cached = this.byNo.get(n);
    if (cached) return cached;
    const row = (await this.db.query<{ uuid: string }>('SELECT uuid::text AS uuid FROM bazaar_ids WHERE n = $1', [n])).rows[0];
    if (row) this.remember(n, row.uuid);
    return row?.uuid;
  }

  /** Text with every UUID in it replaced by its number (identifiers such as `fixture:<uuid>`, messages). */
  async inText(text: string, prefix = ''): Promise<string> {
    const found = text.match(UUID_IN_TEXT);
    if (!found) return text;
    await this.ensure(found);
    return text.replace(UUID_IN_TEXT, (uuid) => `${prefix}${this.no(uuid)}`);
  }
}
