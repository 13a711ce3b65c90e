import { useEffect, useRef } from 'react';
import { Link } from '../router.tsx';
import type { TaskNotice } from './useTaskRowActions.ts';

/** The outcome of the last action on a task; a live region, so screen readers hear it. */
export function TaskActionNotice({ notice }: { notice: TaskNotice | null }) {
  const region = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (notice?.focus) region.current?.focus();
  }, [notice]);
  return (
    <div
      ref={region}
      role="status"
      tabIndex={-1}
      className={notice?.error ? 'notice notice-error' : 'notice'}
    >
      {notice ? (
        <p>
          {notice.text}{' '}
          {notice.link ? <Link href={notice.link.href}>{notice.link.label}</Link> : null}
        </p>
      ) : null}
    </div>
  );
}
