import { waitFor } from './wait-for.js';

export interface ServerSentEvent {
  event: string;
  data: string;
  /** When it arrived (epoch ms). */
  at: number;
}

/** Reads a Server-Sent Events response in the background and keeps every event it got. */
export class SseClient {
  readonly events: ServerSentEvent[] = [];
  private readonly abort = new AbortController();
  private readonly done: Promise<void>;
  status = 0;

  constructor(url: string, token: string) {
    this.done = this.read(url, token).catch((error: Error) => {
      if (!this.abort.signal.aborted) throw error;
    });
  }

  private async read(url: string, token: string): Promise<void> {
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: this.abort.signal });
    this.status = response.status;
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body!) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const field = (name: string) => block.split('\n').filter((line) => line.startsWith(`${name}:`)).map((line) => line.slice(name.length + 1).trim()).join('\n');
        if (field('event')) this.events.push({ event: field('event'), data: field('data'), at: Date.now() });
      }
    }
  }

  /** The parsed `data` of every event named `event`. */
  data<T = any>(event: string): T[] {
    return this.events.filter((entry) => entry.event === event).map((entry) => JSON.parse(entry.data) as T);
  }

  waitFor<T = any>(what: string, event: string, match: (data: T) => boolean, timeoutMs = 15000): Promise<T> {
    return waitFor(what, () => this.data<T>(event).find(match), timeoutMs);
  }

  /** Resolves when the server ends the stream (or after close()). */
  get ended(): Promise<void> {
    return this.done;
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}
