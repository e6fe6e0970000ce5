import { type CanActivate, type ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { SERVER_CONFIG, type ServerConfig } from '../server.config.js';
import { IS_PUBLIC } from './public.decorator.js';
import type { Caller } from './token-table.js';

/** The request as the guard leaves it: with the caller the token belongs to. */
export interface AuthenticatedRequest extends Request {
  caller: Caller;
}

/**
 * Global guard: every route needs `Authorization: Bearer <token>` with a token from TOKENS, except
 * those marked @Public(). A missing or unknown token answers 401.
 */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new UnauthorizedException('Send your token as "Authorization: Bearer <token>"');
    const caller = this.lookUp(match[1]);
    if (!caller) throw new UnauthorizedException('Unknown token');
    request.caller = caller;
    return true;
  }

  /** Compares against every known token in constant time, so timing does not leak a prefix. */
  private lookUp(token: string): Caller | undefined {
    let found: Caller | undefined;
    const given = Buffer.from(token);
    for (const [known, caller] of this.config.tokens) {
      const expected = Buffer.from(known);
      if (expected.length === given.length && timingSafeEqual(expected, given)) found = caller;
    }
    return found;
  }
}
