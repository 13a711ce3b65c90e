import { orderedId } from './ordered-id.ts';

/** Who acts: a user through the API or UI, or the operator through the CLI. */
export interface Actor {
  userId: string | null;
  login: string;
  /** Where the request came from: an IP address, or "cli". */
  address: string;
}

/** One append-only entry of the audit log. */
export interface AuditEvent {
  id: string;
  at: Date;
  actorId: string | null;
  actorLogin: string;
  address: string;
  action: string;
  objectType: 'task' | 'user' | 'group' | 'token' | 'session' | 'settings' | 'data-source' | 'mail';
  objectId: string;
  details: Record<string, unknown>;
}

/** Builds the audit event of an actor's action on an object at a time, with its time-ordered id. */
export function auditEvent(
  actor: Actor,
  at: Date,
  action: string,
  objectType: AuditEvent['objectType'],
  objectId: string,
  details: Record<string, unknown> = {},
): AuditEvent {
  return {
    id: orderedId(at.getTime()),
    at,
    actorId: actor.userId,
    actorLogin: actor.login,
    address: actor.address,
    action,
    objectType,
    objectId,
    details,
  };
}
