import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigurationError, loadConfiguration } from '../config/index.js';
import { createApp } from './bootstrap.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfiguration();
  } catch (error) {
    if (error instanceof ConfigurationError) {
      // One line per problem, before anything listens.
      for (const line of error.problems) process.stderr.write(`config error: ${line}\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApp(config);
  await app.listen(config.app.port, config.app.host);
  new Logger('Main').log(`listening on ${await app.getUrl()} (strategy: ${config.auth.strategy}, database: ${config.database.type})`);
}

void main();
