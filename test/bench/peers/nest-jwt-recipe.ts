// A peer users pick instead: the NestJS documentation's JWT recipe (@nestjs/jwt with a string
// secret, passport-jwt, AuthGuard('jwt')), users in memory as in the docs. Started by bench.mjs.
import 'reflect-metadata';
import { Body, Controller, Get, HttpCode, Injectable, Module, Post, Request, UnauthorizedException, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JwtModule, JwtService } from '@nestjs/jwt';
import { AuthGuard, PassportModule, PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';

const SECRET = 'peer-benchmark-secret-not-for-production';
const users = [{ userId: 1, username: 'john', password: 'changeme' }];

@Injectable()
class JwtStrategy extends PassportStrategy(Strategy) {
  constructor() {
    super({ jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), ignoreExpiration: false, secretOrKey: SECRET });
  }
  validate(payload: { sub: number; username: string }) {
    return { userId: payload.sub, username: payload.username };
  }
}

@Controller()
class AppController {
  constructor(private readonly jwt: JwtService) {}

  @Get()
  root() {
    return { service: 'nest jwt recipe peer' };
  }

  @Post('auth/login')
  @HttpCode(200)
  async login(@Body() body: { username: string; password: string }) {
    const user = users.find((u) => u.username === body.username && u.password === body.password);
    if (!user) throw new UnauthorizedException();
    return { access_token: await this.jwt.signAsync({ sub: user.userId, username: user.username }) };
  }

  @UseGuards(AuthGuard('jwt'))
  @Get('profile')
  profile(@Request() req: { user: unknown }) {
    return req.user;
  }
}

@Module({
  imports: [PassportModule, JwtModule.register({ secret: SECRET, signOptions: { expiresIn: '10m' } })],
  controllers: [AppController],
  providers: [JwtStrategy],
})
class RecipeModule {}

const app = await NestFactory.create(RecipeModule, { logger: ['error'] });
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT), '127.0.0.1');
