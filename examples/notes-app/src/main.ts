import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { port } from './config.js';

const app = await NestFactory.create(AppModule);
await app.listen(port);
