import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RotatedToken } from './rotated-token.entity.js';
import { Session } from './session.entity.js';
import { SessionsService } from './sessions.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Session, RotatedToken])],
  providers: [SessionsService],
  exports: [SessionsService],
})
export class SessionsModule {}
