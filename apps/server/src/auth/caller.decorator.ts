import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from './bearer-token.guard.js';
import type { Caller as CallerIdentity } from './token-table.js';

/** The authenticated caller of this request (set by BearerTokenGuard). */
export const Caller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): CallerIdentity => context.switchToHttp().getRequest<AuthenticatedRequest>().caller,
);
