import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { createRequire } from 'node:module';
import { basename, dirname } from 'node:path';
import { Public } from '../auth/public.decorator.js';
import { assetsDir } from './assets-dir.js';

/** The page's own scripts, style sheet and icon: flat names only, so nothing else can be asked for. */
const ASSET_NAME = /^[a-z][a-z-]*\.(js|css|svg)$/;

/**
 * Files of npm packages the page uses (the chart library), served from this origin under fixed
 * names: the page needs no CDN, and only these files of node_modules can be asked for.
 */
const packageFile = createRequire(import.meta.url).resolve;
const VENDOR_FILES: Readonly<Record<string, string>> = {
  'uplot.js': packageFile('uplot/dist/uPlot.esm.js'),
  'uplot.css': packageFile('uplot/dist/uPlot.min.css'),
};

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

  @Get('vendor/:file')
  @Public()
  vendor(@Param('file') file: string, @Res() response: Response): void {
    const path = Object.hasOwn(VENDOR_FILES, file) ? VENDOR_FILES[file] : undefined;
    if (!path) throw new NotFoundException();
    this.send(response, basename(path), dirname(path));
  }

  @Get('api/openapi.json')
  @Public()
  openapi(@Res() response: Response): void {
    this.send(response, 'openapi.json');
  }

  private send(response: Response, file: string, root = this.dir): void {
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(file, { root }, (error) => {
      if (error && !response.headersSent) response.status(404).json({ statusCode: 404, message: 'Not Found' });
    });
  }
}
