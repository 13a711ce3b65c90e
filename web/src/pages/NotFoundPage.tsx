import { Link } from '../router.tsx';

/** A path the UI does not know. */
export function NotFoundPage() {
  return (
    <section>
      <h1>Not found</h1>
      <p>
        There is nothing here. <Link href="/tasks">Back to the tasks</Link>
      </p>
    </section>
  );
}
