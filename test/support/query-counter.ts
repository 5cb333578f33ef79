import type { Connection } from 'mysql2/promise';

export type Counters = { select: number; insert: number; update: number; delete: number };

/** Server-side statement counters: exact, and independent of how the app issues its queries. */
async function counters(conn: Connection): Promise<Counters> {
  const [rows] = await conn.query(
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('Com_select', 'Com_insert', 'Com_insert_select', 'Com_update', 'Com_delete')",
  );
  const map = Object.fromEntries((rows as Array<{ Variable_name: string; Value: string }>).map((r) => [r.Variable_name, Number(r.Value)]));
  // An INSERT … SELECT is one statement, counted by the server under Com_insert_select.
  return { select: map.Com_select, insert: map.Com_insert + map.Com_insert_select, update: map.Com_update, delete: map.Com_delete };
}

export async function countDuring(conn: Connection, fn: () => Promise<unknown>): Promise<Counters> {
  const before = await counters(conn);
  await fn();
  const after = await counters(conn);
  return {
    select: after.select - before.select,
    insert: after.insert - before.insert,
    update: after.update - before.update,
    delete: after.delete - before.delete,
  };
}

