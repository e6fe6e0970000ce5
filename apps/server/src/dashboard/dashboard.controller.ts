import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator.js';
import { assetsDir } from './assets-dir.js';

const FILES = { html: 'index.html', script: 'dashboard.js', style: 'dashboard.css', openapi: 'openapi.json' } as const;

/**
 * The dashboard (one static page, its script and style) and the hand-written OpenAPI description.
 * They hold no data: the page asks for a token and calls the API with it.
 */
@Controller()
export class DashboardController {
  private readonly dir = assetsDir();

  @Get()
  @Public()
  page(@Res() response: Response): void {
    this.send(response, FILES.html);
  }

  @Get('dashboard.js')
  @Public()
  script(@Res() response: Response): void {
    this.send(response, FILES.script);
  }

  @Get('dashboard.css')
  @Public()
  style(@Res() response: Response): void {
    this.send(response, FILES.style);
  }

  @Get('api/openapi.json')
  @Public()
  openapi(@Res() response: Response): void {
    this.send(response, FILES.openapi);
  }

  private send(response: Response, file: string): void {
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(file, { root: this.dir });
  }
}
