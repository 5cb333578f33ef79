export { AuthMetrics, type GaugeSource } from './auth-metrics.js';
export { RedisConnection, type RedisState } from './redis-connection.js';
export { InvalidationBroadcast } from './invalidation-broadcast.js';
