import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

/**
 * Where `req.user` lives on Express: an accessor on the application's request prototype, backed by
 * a WeakMap. Express re-parents every request (`setPrototypeOf`), which leaves each request object
 * with a map of its own, so adding a property to one costs over a microsecond; through this
 * accessor, the guard, passport and `@CurrentUser()` read and write `req.user` as before, without
 * adding a property. Left alone when the host (or a library) already defines `user` on that chain.
 * What differs from an own property: `'user' in req` is always true, it is not enumerable (a spread
 * of `req` leaves it out), `delete req.user` does not clear it, and a parent app a Nest app is
 * mounted in does not see it once the request leaves the Nest app.
 */
@Injectable()
export class RequestUserSlot implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const instance = this.adapterHost.httpAdapter?.getInstance?.() as { request?: object } | undefined;
    const prototype = instance?.request;
    if (typeof prototype !== 'object' || prototype === null || 'user' in prototype) return;
    const users = new WeakMap<object, unknown>();
    Object.defineProperty(prototype, 'user', {
      configurable: true,
      enumerable: false,
      get(this: object) {
        return users.get(this);
      },
      set(this: object, value: unknown) {
        users.set(this, value);
      },
    });
  }
}
