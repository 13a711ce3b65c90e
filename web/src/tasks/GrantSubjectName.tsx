import type { GrantSubject } from '../types.ts';
import './grants.css';

/** The small marker before a subject's name: "user" or "group". */
export function SubjectType({ type }: { type: GrantSubject['type'] }) {
  return <span className={`subject-type subject-type-${type}`}>{type}</span>;
}

/** A rights list entry's subject: its type marker, name and (for a user) login. */
export function GrantSubjectName({
  subject,
  name,
  login,
}: {
  subject: GrantSubject;
  name: string;
  login: string | null;
}) {
  return (
    <span className="grant-subject">
      <SubjectType type={subject.type} /> <strong>{name}</strong>
      {login && login !== name ? <span className="muted"> ({login})</span> : null}
    </span>
  );
}
