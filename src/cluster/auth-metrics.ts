import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Gauges read at scrape time from whoever holds the state (the provider, the Redis connection). */
export type GaugeSource = () => Record<string, number>;

/**
 * The module's Prometheus metrics, in a registry of its own (the host's default registry is left
 * alone; merge it with `Registry.merge` to serve both from one route).
 */
@Injectable()
export class AuthMetrics {
  readonly registry = new Registry();
  readonly signIns = new Counter({ name: 'auth_sign_ins_total', help: 'Password checks by outcome', labelNames: ['outcome'], registers: [this.registry] });
  readonly refreshes = new Counter({ name: 'auth_refreshes_total', help: 'Refresh grants by outcome', labelNames: ['outcome'], registers: [this.registry] });
  readonly secondFactors = new Counter({
    name: 'auth_second_factor_checks_total',
    help: 'Second-factor codes at sign-in by outcome (success, failure, expired)',
    labelNames: ['outcome', 'method'],
    registers: [this.registry],
  });
  readonly reuseDetections = new Counter({ name: 'auth_refresh_reuse_detected_total', help: 'Replayed refresh tokens (session revoked)', registers: [this.registry] });
  readonly published = new Counter({ name: 'auth_invalidations_published_total', help: 'Invalidations broadcast to other instances', registers: [this.registry] });
  readonly received = new Counter({
    name: 'auth_invalidations_received_total',
    help: 'Invalidations received from other instances (pubsub) or read back from the database (sync)',
    labelNames: ['source'],
    registers: [this.registry],
  });
  readonly delay = new Histogram({
    name: 'auth_invalidation_delay_seconds',
    help: 'From an invalidation being published on one instance to its receipt on another',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  private readonly sources: GaugeSource[] = [];

  constructor() {
    const sources = this.sources;
    new Gauge({
      name: 'auth_state',
      help: 'In-memory state: registry and cache sizes, cache hit ratio, Redis connection (1 up, 0 down, -1 not configured)',
      labelNames: ['name'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const source of sources) for (const [name, value] of Object.entries(source())) this.set({ name }, value);
      },
    });
  }

  addGauges(source: GaugeSource): void {
    this.sources.push(source);
  }
}
