/**
 * The session store with an audit trail: a session that ends is marked ended
 * and kept, so "who was logged in when" can be answered. Nothing ever removes
 * ended sessions.
 */
import { SessionStore } from './store.ts';

export class AuditedSessionStore extends SessionStore {
  override end(user: string): boolean {
    const session = this.sessions.get(user);
    if (!session || session.ended) return false;
    session.ended = new Date();
    return true;
  }
}
