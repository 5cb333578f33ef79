import 'reflect-metadata';
import { afterEach, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { loadConfiguration } from '../config/index.js';
import { typeormOptions } from '../src/database/index.js';
import { createTestDatabase, type Dialect, type TestDatabase } from './support/databases.js';

describe.each<Dialect>(['sqlite', 'mariadb'])('schema on %s', (dialect) => {
  let db: TestDatabase | undefined;
  let ds: DataSource | undefined;

  afterEach(async () => {
    if (ds?.isInitialized) await ds.destroy();
    await db?.drop();
  });

  it('after the migrations, TypeORM sees no difference between entities and schema; every migration reverts', async () => {
    db = await createTestDatabase(dialect);
    const config = loadConfiguration({ DATABASE_URL: db.url, DATABASE_MIGRATIONS_RUN: 'false' });
    ds = new DataSource({ ...typeormOptions(config.database), logging: false });
    await ds.initialize();
    expect(await ds.showMigrations()).toBe(true);
    const applied = await ds.runMigrations({ transaction: 'each' });
    expect(applied.length).toBe(ds.migrations.length);
    expect(await ds.showMigrations()).toBe(false);

    const diff = await ds.driver.createSchemaBuilder().log();
    expect(diff.upQueries.map((q) => q.query)).toEqual([]);

    for (let i = 0; i < applied.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    const tables = await ds.createQueryRunner().getTables(['users', 'sessions', 'rotated_tokens']);
    expect(tables).toEqual([]);
  });
});
