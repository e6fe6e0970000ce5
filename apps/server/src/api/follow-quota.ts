import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { SERVER_CONFIG, type ServerConfig } from '../server.config.js';

/**
 * How many followed logs each user holds open on this node. Followers are cheap (they share one
 * Redis reader) but not free: past FOLLOWS_PER_USER a user's next follow answers 429.
 */
@Injectable()
export class FollowQuota {
  private readonly open = new Map<string, number>();

  constructor(@Inject(SERVER_CONFIG) private readonly config: ServerConfig) {}

  /** Takes one of `uid`'s places, or throws 429; call the returned function once to give it back. */
  take(uid: string): () => void {
    const held = this.open.get(uid) ?? 0;
    if (held >= this.config.followsPerUser) {
      throw new HttpException(
        `You already follow ${held} logs on this node, the most allowed (FOLLOWS_PER_USER); close one or read without follow=1`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    this.open.set(uid, held + 1);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const left = (this.open.get(uid) ?? 1) - 1;
      if (left > 0) this.open.set(uid, left);
      else this.open.delete(uid);
    };
  }
}
