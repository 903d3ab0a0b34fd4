/**
 * The benchmarks' PostgreSQL databases: one per bench, created through an admin connection
 * (BENCH_PG_ADMIN, default postgres://postgres@127.0.0.1:5432/postgres).
 */
import pg from 'pg';

export const BENCH_PG_ADMIN = process.env.BENCH_PG_ADMIN ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * The URL of database `name` on the admin connection's server: dropped and created again
 * (`fresh`, the default), or created only when missing (`reuse`: its data is kept).
 */
export async function benchDatabase(name: string, options: { mode?: 'fresh' | 'reuse'; admin?: string } = {}): Promise<string> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bench database name ${JSON.stringify(name)}: lowercase letters, digits and _ only`);
  const admin = options.admin ?? BENCH_PG_ADMIN;
  const client = new pg.Client(admin);
  await client.connect();
  try {
    if ((options.mode ?? 'fresh') === 'fresh') await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops database `name` (connections to it are ended). */
export async function dropBenchDatabase(name: string, admin = BENCH_PG_ADMIN): Promise<void> {
  const client = new pg.Client(admin);
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
