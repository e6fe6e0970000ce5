import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator.js';
import { assetsDir } from './assets-dir.js';

/** The page's own scripts and style sheet: flat names only, so nothing else can be asked for. */
const ASSET_NAME = /^[a-z][a-z-]*\.(js|css)$/;

/**
 * The dashboard (one static page with its scripts and style) and the hand-written OpenAPI
 * description. They hold no data: the page asks for a token and calls the API with it.
 */
@Controller()
export class DashboardController {
  private readonly dir = assetsDir();

  @Get()
  @Public()
  page(@Res() response: Response): void {
    this.send(response, 'index.html');
  }

  @Get('assets/:file')
  @Public()
  asset(@Param('file') file: string, @Res() response: Response): void {
    if (!ASSET_NAME.test(file)) throw new NotFoundException();
    this.send(response, `assets/${file}`);
  }

  @Get('api/openapi.json')
  @Public()
  openapi(@Res() response: Response): void {
    this.send(response, 'openapi.json');
  }

  private send(response: Response, file: string): void {
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(file, { root: this.dir }, (error) => {
      if (error && !response.headersSent) response.status(404).json({ statusCode: 404, message: 'Not Found' });
    });
  }
}
