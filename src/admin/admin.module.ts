import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/index.js';
import { UsersModule } from '../users/index.js';
import { AdminUsersController } from './admin-users.controller.js';

/** The `/users` admin API; optional, mount it beside `AuthModule` (whose global guard protects it). */
@Module({
  imports: [UsersModule, SessionsModule],
  controllers: [AdminUsersController],
})
export class AdminModule {}
