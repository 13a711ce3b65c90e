import { Link } from '../router.tsx';

/** A page the caller lacks the permission for: what it needs, and the way back to the tasks. */
export function NotAllowedPage({
  title,
  purpose,
  permission,
}: {
  title: string;
  /** What the page is for, completing "This page is for those who may …". */
  purpose: string;
  permission: string;
}) {
  return (
    <section>
      <h1>{title}</h1>
      <p>
        This page is for those who may {purpose} (the permission <code>{permission}</code>), which
        your account does not have. An administrator can give it to you if you need it.
      </p>
      <p>
        <Link href="/tasks">Go to your tasks</Link>
      </p>
    </section>
  );
}
