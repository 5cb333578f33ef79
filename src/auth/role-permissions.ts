import { Inject, Injectable } from '@nestjs/common';
import type { AuthModuleOptions } from './auth-options.js';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition.js';

/** Resolves a user's permissions from their roles through the configured map (memoized per role set). */
@Injectable()
export class RolePermissions {
  private readonly memo = new Map<string, string[]>();

  constructor(@Inject(AUTH_MODULE_OPTIONS) private readonly options: AuthModuleOptions) {}

  of(roles: string[]): string[] {
    const key = roles.join('\u0000');
    let permissions = this.memo.get(key);
    if (!permissions) {
      permissions = [...new Set(roles.flatMap((role) => this.options.rolePermissions[role] ?? []))].sort();
      if (this.memo.size < 10_000) this.memo.set(key, permissions);
    }
    return permissions;
  }
}
