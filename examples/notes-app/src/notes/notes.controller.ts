import { Body, Controller, Get, NotFoundException, Param, ParseUUIDPipe, Post, UsePipes, ValidationPipe } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { CurrentUser, Roles, type AuthUser } from 'nest-dual-session-auth';
import { Repository } from 'typeorm';
import { CreateNoteDto } from './create-note.dto.js';
import { Note } from './note.entity.js';

/** Every route here needs a session: the auth module's global guard denies by default. */
@Controller('notes')
@UsePipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true }))
export class NotesController {
  constructor(@InjectRepository(Note) private readonly notes: Repository<Note>) {}

  @Get()
  async mine(@CurrentUser() user: AuthUser) {
    return { items: await this.notes.find({ where: { ownerId: user.id }, order: { createdAt: 'DESC' }, take: 100 }) };
  }

  @Post()
  async create(@CurrentUser() user: AuthUser, @Body() body: CreateNoteDto) {
    return this.notes.save(this.notes.create({ id: randomUUID(), ownerId: user.id, text: body.text.trim(), createdAt: new Date() }));
  }

  /** Someone else's note answers exactly like a missing one. */
  @Get(':id')
  async one(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string) {
    const note = await this.notes.findOneBy({ id, ownerId: user.id });
    if (!note) throw new NotFoundException('Note not found');
    return note;
  }
}

@Controller('admin')
export class AdminStatsController {
  constructor(@InjectRepository(Note) private readonly notes: Repository<Note>) {}

  @Roles('admin')
  @Get('stats')
  async stats() {
    const row = await this.notes
      .createQueryBuilder('n')
      .select('COUNT(*)', 'notes')
      .addSelect('COUNT(DISTINCT n.owner_id)', 'authors')
      .getRawOne<{ notes: string | number; authors: string | number }>();
    return { notes: Number(row?.notes ?? 0), authors: Number(row?.authors ?? 0) };
  }
}
