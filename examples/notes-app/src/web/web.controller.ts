import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { readFileSync } from 'node:fs';
import { Public } from 'nest-dual-session-auth';
import { publicDir } from '../config.js';

// Small files, read once: no static-file middleware, and the routes stay explicit.
const page = readFileSync(new URL('index.html', publicDir));
const script = readFileSync(new URL('app.js', publicDir));
// The QR code of the enrolment view is drawn in the browser by qrcode-generator's ES module build,
// served from our own node_modules: the authenticator secret never leaves this origin.
const qrcode = readFileSync(new URL(import.meta.resolve('qrcode-generator')));

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

  @Get('vendor/qrcode.mjs')
  qrcode(@Res() res: Response) {
    res.type('text/javascript; charset=utf-8').send(qrcode);
  }

  @Get('public/hello')
  hello() {
    return { hello: 'world' };
  }
}
