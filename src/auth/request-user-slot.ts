import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

/**
 * Where `req.user` lives on Express: an accessor on the application's request prototype, backed by
 * a WeakMap. Express re-parents every request (`setPrototypeOf`), which leaves each request object
 * with a map of its own, so adding a property to one costs over a microsecond; through this
 * accessor, the guard, passport and `@CurrentUser()` read and write `req.user` as before, without
 * adding a property. Left alone when the host (or a library) already defines `user` there.
 */
@Injectable()
export class RequestUserSlot implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const instance = this.adapterHost.httpAdapter?.getInstance?.() as { request?: object } | undefined;
    const prototype = instance?.request;
    if (typeof prototype !== 'object' || prototype === null || Object.prototype.hasOwnProperty.call(prototype, 'user')) return;
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
