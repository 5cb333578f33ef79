import { Inject, Injectable } from '@nestjs/common';
import type { AuthModuleOptions } from './auth-options.js';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition.js';

/** Resolves a user's permissions from their roles through the configured map (memoized per role set). */
@Injectable()
export class RolePermissions {
  private readonly memo = new Map<string, string[]>();
  /** A Map, not the options object: a role named `constructor` or `__proto__` must not reach Object.prototype. */
  private readonly map: Map<string, string[]>;

  constructor(@Inject(AUTH_MODULE_OPTIONS) options: AuthModuleOptions) {
    this.map = new Map(Object.entries(options.rolePermissions).filter(([, perms]) => Array.isArray(perms)));
  }

  of(roles: readonly string[]): readonly string[] {
    const key = roles.join('\u0000');
    let permissions = this.memo.get(key);
    if (!permissions) {
      permissions = [...new Set(roles.flatMap((role) => this.map.get(role) ?? []))].sort();
      // Shared by every request of every user with these roles: read-only.
      Object.freeze(permissions);
      if (this.memo.size < 10_000) this.memo.set(key, permissions);
    }
    return permissions;
  }

  /** Whether someone holding `held` may grant or take away `role`: only with every permission the role carries. */
  canDelegate(role: string, held: readonly string[]): boolean {
    return (this.map.get(role) ?? []).every((permission) => held.includes(permission));
  }
}
