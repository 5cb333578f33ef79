import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Note } from './note.entity.js';
import { AdminStatsController, NotesController } from './notes.controller.js';

@Module({
  imports: [TypeOrmModule.forFeature([Note])],
  controllers: [NotesController, AdminStatsController],
})
export class NotesModule {}
