import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator, type HealthIndicatorResult } from '@nestjs/terminus';
import { Public, RedisConnection } from '../index.js';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly redis: RedisConnection,
  ) {}

  /** The process is up; says nothing about its dependencies, so an orchestrator does not restart it for a DB outage. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /**
   * Ready to serve: the database answers a ping within a second and a half. Redis is reported but
   * never makes the instance unready: without it the instance still serves (degraded).
   */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.db.pingCheck('database', { timeout: 1_500 }), () => this.redisState()]);
  }

  private redisState(): HealthIndicatorResult {
    const state = this.redis.state;
    if (state === 'disabled') return {};
    return { redis: { status: 'up', connection: state, ...(state === 'down' ? { degraded: 'invalidations via the database sync; sign-in limits per instance' } : {}) } };
  }
}
