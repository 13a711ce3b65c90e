import type { NamedGrant } from '../types.ts';
import { GrantSubjectName } from './GrantSubjectName.tsx';
import { subjectKey } from './task-rights.ts';

/** A rights list to read: who may do what with the task. */
export function GrantListView({ grants }: { grants: NamedGrant[] }) {
  if (grants.length === 0) return <p>It is shared with nobody else.</p>;
  return (
    <ul className="grant-list">
      {grants.map((grant) => (
        <li key={subjectKey(grant.subject)}>
          <GrantSubjectName {...grant} /> <span>can {grant.level}</span>
        </li>
      ))}
    </ul>
  );
}
