import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import { redactUrl } from '../common/redact-url.js';
import { TaskFailure } from './task-failure.js';

/** What the download sample may reach, and for how long. */
export interface DownloadPolicy {
  /** IPs or CIDRs (e.g. `10.1.2.0/24`) of private, loopback or link-local hosts a download may reach anyway. */
  allowPrivate: string[];
  maxBytes: number;
  timeoutMs: number;
}

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * GET with server-side request forgery guarded: every connection — the first and each redirect's —
 * is checked against the address it really goes to, after DNS resolution (request-filtering-agent),
 * so a public name that resolves to 127.0.0.1, or a redirect to 169.254.169.254, is refused unless
 * the policy's allow-list names it. Redirects are followed here, one by one, at most five.
 */
export class GuardedHttp {
  private readonly agents: { 'http:': RequestFilteringHttpAgent; 'https:': RequestFilteringHttpsAgent };

  constructor(policy: Pick<DownloadPolicy, 'allowPrivate'>) {
    const options = { allowPrivateIPAddress: false, allowMetaIPAddress: false, allowIPAddressList: policy.allowPrivate };
    this.agents = { 'http:': new RequestFilteringHttpAgent(options), 'https:': new RequestFilteringHttpsAgent(options) };
  }

  /** The final 2xx response (its body unread), or a TaskFailure naming the URL without its credentials. */
  async get(url: URL, signal: AbortSignal): Promise<IncomingMessage> {
    let current = url;
    for (let redirects = 0; ; redirects++) {
      const response = await this.request(current, signal);
      const location = response.headers.location;
      if (!REDIRECTS.has(response.statusCode ?? 0) || !location) {
        if ((response.statusCode ?? 0) >= 200 && (response.statusCode ?? 0) < 300) return response;
        response.resume();
        // A client error (404, 403…) will answer the same next time: not worth a retry.
        const clientError = (response.statusCode ?? 0) >= 400 && (response.statusCode ?? 0) < 500;
        throw new TaskFailure(`${redactUrl(current)} answered ${response.statusCode} ${response.statusMessage ?? ''}`.trim(), clientError);
      }
      response.resume();
      if (redirects >= MAX_REDIRECTS) throw new TaskFailure(`${redactUrl(url)} redirected more than ${MAX_REDIRECTS} times`);
      const next = new URL(location, current);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new TaskFailure(`${redactUrl(current)} redirected to ${next.protocol}, which is not fetched`);
      // Credentials were given for the first site only.
      if (next.origin !== url.origin) {
        next.username = '';
        next.password = '';
      }
      current = next;
    }
  }

  close(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }

  private request(url: URL, signal: AbortSignal): Promise<IncomingMessage> {
    const protocol = url.protocol as 'http:' | 'https:';
    const get = protocol === 'https:' ? httpsGet : httpGet;
    return new Promise((resolve, reject) => {
      const request = get(url, { agent: this.agents[protocol], signal }, resolve);
      request.on('error', (error: Error & { cause?: unknown }) => {
        if (signal.aborted) reject(signal.reason);
        else reject(new TaskFailure(`Could not reach ${redactUrl(url)}: ${explain(error)}`));
      });
    });
  }
}

/** request-filtering-agent's refusal, said plainly; other network errors as they are. */
function explain(error: Error): string {
  const refused = /DNS lookup (\S+)\(.*is not allowed\. Because,? (.*)$/.exec(error.message);
  if (refused) {
    return `it resolves to ${refused[1]}, a private, loopback or link-local address that downloads may not reach (the server's DOWNLOAD_ALLOW_PRIVATE can allow it)`;
  }
  return error.message;
}
