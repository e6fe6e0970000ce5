import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * The headers every response carries (helmet, so they follow current advice): a strict Content
 * Security Policy — the dashboard's own scripts and styles only, no inline code, no framing — plus
 * nosniff and no referrer, so a task name or log line can never run as script in the page.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    // Same-origin page and API: nothing else needs to embed or read them.
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
}
