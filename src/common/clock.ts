import { Injectable } from '@nestjs/common';

/**
 * The time, as one injectable: second-factor steps, pending sign-ins and re-authentication ages
 * read it, so a test moves it instead of sleeping. Session and token expiry keep the system clock.
 */
@Injectable()
export class Clock {
  now(): number {
    return Date.now();
  }
}
