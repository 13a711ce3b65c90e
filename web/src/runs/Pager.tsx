/** Previous / Next buttons for a cursor-paged listing. */
export function Pager({
  pageNumber,
  nextCursor,
  onNext,
  onPrevious,
  label,
}: {
  pageNumber: number;
  nextCursor: string | null | undefined;
  onNext: (cursor: string) => void;
  onPrevious: () => void;
  label: string;
}) {
  if (pageNumber === 1 && !nextCursor) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" onClick={onPrevious} disabled={pageNumber === 1}>
        Previous
      </button>
      <span aria-live="polite">Page {pageNumber}</span>
      <button type="button" onClick={() => nextCursor && onNext(nextCursor)} disabled={!nextCursor}>
        Next
      </button>
    </nav>
  );
}
