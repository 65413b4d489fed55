/** Sessions in memory, by user: created at login, gone at logout. */
import { randomBytes } from 'node:crypto';

export interface Session {
  readonly user: string;
  readonly token: string;
  readonly createdAt: Date;
  readonly cart: string[];
  ended?: Date;
}

export class SessionStore {
  protected readonly sessions = new Map<string, Session>();

  create(user: string): Session {
    const session: Session = { user, token: randomBytes(24).toString('base64url'), createdAt: new Date(), cart: [] };
    this.sessions.set(user, session);
    return session;
  }

  get(user: string): Session | undefined {
    const session = this.sessions.get(user);
    return session && !session.ended ? session : undefined;
  }

  end(user: string): boolean {
    return this.sessions.delete(user);
  }
}
