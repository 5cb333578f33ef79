import { Controller, Get } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiTags } from '@nestjs/swagger';
import type { AuthConfig } from '../config/index.js';
import { Public } from './index.js';

/** The host application's own root: a public route (also the unguarded baseline of the benchmark). */
@ApiTags('app')
@Controller()
export class AppController {
  private readonly info: { service: string; strategy: string };

  constructor(config: ConfigService) {
    this.info = { service: 'auth', strategy: config.getOrThrow<AuthConfig>('auth').strategy };
  }

  @Public()
  @Get()
  root() {
    return this.info;
  }
}
