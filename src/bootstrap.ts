import { ConsoleLogger, type INestApplication, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import type { NextFunction, Request, Response } from 'express';
import type { Configuration } from '../config/index.js';
import { AppModule } from './app.module.js';
import { HttpErrorFilter } from './index.js';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export interface CreateAppOptions {
  /** Replace the logger (tests pass `false` to silence it). */
  logger?: false | ConsoleLogger;
}

/** Builds the whole HTTP application from a validated configuration; used by `main.ts` and the tests. */
export async function createApp(config: Configuration, options: CreateAppOptions = {}): Promise<INestApplication> {
  const logger =
    options.logger ??
    new ConsoleLogger({ json: config.app.logJson, logLevels: LEVELS.slice(0, LEVELS.indexOf(config.app.logLevel) + 1) });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger,
    bodyParser: false,
    abortOnError: false,
  });
  app.disable('x-powered-by');
  // Responses are no-store: an ETag (a SHA-1 of every body) would buy nothing.
  app.set('etag', false);
  app.set('trust proxy', config.app.trustProxy);
  app.useBodyParser('json', { limit: config.app.bodyLimit, strict: true });
  // Security headers sensible for a JSON API (the OpenAPI UI's assets are same-origin files).
  app.use(helmet({ crossOriginResourcePolicy: { policy: 'same-origin' } }));
  if (config.app.corsOrigins.length > 0) {
    // Only allow-listed origins are echoed; never `*` with credentials (the config refuses it).
    app.enableCors({
      origin: config.app.corsOrigins,
      credentials: true,
      methods: ['GET', 'POST', 'PATCH', 'DELETE'],
      allowedHeaders: ['Content-Type', 'Authorization'],
      maxAge: 600,
    });
  }
  // The module parses cookies itself; the host's parser is shared with it when present.
  app.use(cookieParser());
  app.use((_req: Request, res: Response, next: NextFunction) => {
    // Auth responses carry tokens and user data: never let a cache keep them.
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  // The module's routes carry their own filter and validation; this host also gives its own routes (and 404s) the same error shape.
  app.useGlobalFilters(new HttpErrorFilter());
  app.enableShutdownHooks();
  if (config.app.swagger) {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Auth service')
        .setDescription(`Session strategy: ${config.auth.strategy}`)
        .addBearerAuth()
        .addCookieAuth(config.auth.cookieSecure ? '__Host-sid' : 'sid')
        .build(),
    );
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  }
  return app;
}
