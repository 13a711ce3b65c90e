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
  objectType: 'task' | 'user' | 'group' | 'token' | 'session' | 'settings' | 'data-source';
  objectId: string;
  details: Record<string, unknown>;
}

/** An audit event before the store gives it an id and a time. */
export type NewAuditEvent = Omit<AuditEvent, 'id' | 'at'>;

/** Builds an audit event for an action of an actor on an object. */
export function auditEvent(
  actor: Actor,
  action: string,
  objectType: AuditEvent['objectType'],
  objectId: string,
  details: Record<string, unknown> = {},
): NewAuditEvent {
  return {
    actorId: actor.userId,
    actorLogin: actor.login,
    address: actor.address,
    action,
    objectType,
    objectId,
    details,
  };
}
