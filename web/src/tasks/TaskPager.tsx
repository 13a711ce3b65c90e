/** Previous and Next through the cursor pages of the list (aria-disabled keeps the focus at the ends). */
export function TaskPager(props: {
  pageNumber: number;
  nextCursor: string | null;
  onPrevious: () => void;
  onNext: (cursor: string) => void;
}) {
  const { pageNumber, nextCursor, onPrevious, onNext } = props;
  if (pageNumber === 1 && !nextCursor) return null;
  return (
    <nav className="pager" aria-label="Pages of tasks">
      <button
        type="button"
        aria-disabled={pageNumber === 1}
        onClick={() => pageNumber > 1 && onPrevious()}
      >
        Previous
      </button>
      <span>Page {pageNumber}</span>
      <button
        type="button"
        aria-disabled={!nextCursor}
        onClick={() => nextCursor && onNext(nextCursor)}
      >
        Next
      </button>
    </nav>
  );
}
