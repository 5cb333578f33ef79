import { Logger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';

/**
 * Routes TypeORM's messages through Nest's logger. Query parameters are never logged:
 * they carry password hashes and token hashes.
 */
export class NestTypeOrmLogger implements TypeOrmLogger {
  private readonly logger = new Logger('Database');

  constructor(private readonly logQueries: boolean) {}

  logQuery(query: string): void {
    if (this.logQueries) this.logger.debug({ event: 'query', query });
  }

  logQueryError(error: string | Error, query: string): void {
    // Not `instanceof Error`: drivers' errors may come from another realm.
    const message = typeof error === 'string' ? error : String((error as { message?: unknown } | null)?.message ?? error);
    this.logger.warn({ event: 'query_failed', error: redact(message), query: query.slice(0, 200) });
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ event: 'query_slow', ms: time, query: query.slice(0, 200) });
  }

  logSchemaBuild(message: string): void {
    this.logger.debug(message);
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(message);
    else this.logger.debug(message);
  }
}

/** Driver messages quote the offending values (MySQL's "Duplicate entry 'ada@example.com' for key …"): keep the shape, drop the data. */
export function redact(message: string): string {
  return message.replace(/'(?:[^'\\]|\\.)*'(?=\s+for key)/g, "'[redacted]'").replace(/(Incorrect \w+ value: )'(?:[^'\\]|\\.)*'/g, "$1'[redacted]'");
}
