import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Response } from 'express';

/**
 * Long-lived responses (followed logs, event streams). The HTTP server cannot close while they are
 * open, so they are ended when the app shuts down; each is forgotten when its client goes.
 */
@Injectable()
export class OpenStreams implements BeforeApplicationShutdown {
  private readonly open = new Map<Response, () => void>();

  /** Tracks `response`; `onClose` runs once, when the client disconnects or the app shuts down. */
  add(response: Response, onClose: () => void): void {
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      this.open.delete(response);
      onClose();
    };
    this.open.set(response, close);
    response.on('close', close);
  }

  beforeApplicationShutdown(): void {
    for (const [response, close] of [...this.open]) {
      close();
      response.end();
    }
  }
}
