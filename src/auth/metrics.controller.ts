import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthMetrics } from '../cluster/index.js';
import { DomainError } from '../common/domain-error.js';
import { ModuleRoutes } from '../common/module-routes.js';
import type { AuthModuleOptions } from './auth-options.js';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition.js';
import { Public } from './decorators.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Prometheus metrics at `<prefix>/metrics`, for a scraper holding `AUTH_METRICS_TOKEN` as a bearer
 * token. Not a session route (scrapers have none), and absent (404) unless a token is configured.
 */
@ApiExcludeController()
@Public()
@ModuleRoutes()
@Controller()
export class MetricsController {
  private readonly expected: Buffer | null;

  constructor(
    @Inject(AUTH_MODULE_OPTIONS) options: AuthModuleOptions,
    private readonly metrics: AuthMetrics,
  ) {
    this.expected = options.metricsToken ? digest(options.metricsToken) : null;
  }

  @Get()
  async scrape(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.expected) throw new DomainError('NOT_FOUND', 'Metrics are not enabled');
    const header = req.headers.authorization ?? '';
    const presented = header.toLowerCase().startsWith('bearer ') ? header.slice(7) : '';
    // Equal-length digests compared in constant time: the token's length and content stay secret.
    if (!timingSafeEqual(digest(presented), this.expected)) throw new DomainError('UNAUTHENTICATED', 'A metrics token is required');
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.send(await this.metrics.registry.metrics());
  }
}
