import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/index.js';
import { RotatedToken } from './rotated-token.entity.js';
import { Session } from './session.entity.js';
import { SessionLookup } from './session-lookup.js';
import { SessionsService } from './sessions.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Session, RotatedToken]), EventsModule],
  providers: [SessionsService, SessionLookup],
  exports: [SessionsService, SessionLookup],
})
export class SessionsModule {}
