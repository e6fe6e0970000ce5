import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator.js';
import { ServiceProbes } from './service-probes.js';

/** `GET /health`: 200 when Redis and MySQL both answer, 503 (with which one failed) otherwise. */
@Controller('health')
export class HealthController {
  constructor(private readonly probes: ServiceProbes) {}

  @Get()
  @Public()
  async health(@Res() response: Response): Promise<void> {
    const [redis, mysql] = await Promise.all([this.probes.redisUp(), this.probes.mysqlUp()]);
    const up = redis.up && mysql.up;
    response.status(up ? 200 : 503).json({ status: up ? 'up' : 'down', redis, mysql });
  }
}
