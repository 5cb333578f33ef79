import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { configLoaders, type AuthConfig, type Configuration, type DatabaseConfig } from '../config/index.js';
import { AdminModule } from './admin/index.js';
import { AppController } from './app.controller.js';
import { AuthModule, type AuthModuleOptions } from './auth/index.js';
import { typeormOptions } from './database/index.js';
import { HealthModule } from './health/index.js';

/**
 * The host application. It mounts `AuthModule` the way any application would: from its
 * own configuration, through `forRootAsync`.
 */
@Module({})
export class AppModule {
  static forRoot(config: Configuration): DynamicModule {
    return {
      module: AppModule,
      controllers: [AppController],
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: configLoaders(config) }),
        TypeOrmModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (c: ConfigService) => typeormOptions(c.getOrThrow<DatabaseConfig>('database')),
        }),
        AuthModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (c: ConfigService): AuthModuleOptions => {
            const auth = c.getOrThrow<AuthConfig>('auth');
            return {
              strategy: auth.strategy,
              cookieSecure: auth.cookieSecure,
              registrationOpen: auth.registrationOpen,
              roleChangePolicy: auth.roleChangePolicy,
              maxSessionsPerUser: auth.maxSessionsPerUser,
              rolePermissions: auth.rolePermissions,
              trustedOrigins: auth.trustedOrigins,
              throttle: auth.throttle,
              session: auth.session,
              jwt: auth.jwt,
            };
          },
        }),
        AdminModule,
        HealthModule,
      ],
    };
  }
}
