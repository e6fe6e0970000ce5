import { Controller, Get } from '@nestjs/common';
import { Caller } from './caller.decorator.js';
import type { Caller as CallerIdentity } from './token-table.js';

/** `GET /api/me`: who the token belongs to (the dashboard shows it after sign-in). */
@Controller('api/me')
export class MeController {
  @Get()
  me(@Caller() caller: CallerIdentity): CallerIdentity {
    return caller;
  }
}
