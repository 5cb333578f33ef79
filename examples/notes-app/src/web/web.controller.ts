import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { readFileSync } from 'node:fs';
import { Public } from 'nest-dual-session-auth';
import { publicDir } from '../config.js';

// Two small files, read once: no static-file middleware, and the routes stay explicit.
const page = readFileSync(new URL('index.html', publicDir));
const script = readFileSync(new URL('app.js', publicDir));

@Public()
@Controller()
export class WebController {
  @Get()
  index(@Res() res: Response) {
    res.type('text/html; charset=utf-8').send(page);
  }

  @Get('app.js')
  app(@Res() res: Response) {
    res.type('text/javascript; charset=utf-8').send(script);
  }

  @Get('public/hello')
  hello() {
    return { hello: 'world' };
  }
}
