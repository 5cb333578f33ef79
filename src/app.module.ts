import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { configLoaders, type AuthConfig, type Configuration, type DatabaseConfig } from '../config/index.js';
import { AppController } from './app.controller.js';
import { typeormOptions } from './database/index.js';
import { HealthModule } from './health/index.js';
import { AuthModule, type AuthModuleOptions } from './index.js';

/**
 * The reference host application. It mounts `AuthModule` through the package's public entry,
 * exactly as any user's app would: options from the validated environment, through `forRootAsync`.
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
        // The `auth` area was read from the environment by the same reader as `authOptionsFromEnv`.
        AuthModule.forRootAsync({ inject: [ConfigService], useFactory: (c: ConfigService): AuthModuleOptions => c.getOrThrow<AuthConfig>('auth') }),
        HealthModule,
      ],
    };
  }
}
