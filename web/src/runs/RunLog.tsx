import { useLayoutEffect, useRef } from 'react';
import { useRunLog, type LogState } from './use-run-log.ts';

const STATE_TEXT: Record<LogState, string> = {
  connecting: 'Connecting…',
  live: 'Live: new lines appear as the run writes them.',
  ended: 'The run has ended; this is its whole log.',
  reconnecting: 'Connection lost; reconnecting…',
  unavailable: 'The live log is not available.',
};

/** Keeps a scrolled box at its bottom as text arrives, unless the reader scrolled up. */
function useStickToBottom(text: string) {
  const box = useRef<HTMLPreElement>(null);
  const atBottom = useRef(true);
  useLayoutEffect(() => {
    if (box.current && atBottom.current) box.current.scrollTop = box.current.scrollHeight;
  }, [text]);
  const onScroll = () => {
    const el = box.current;
    if (el) atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
  };
  return { box, onScroll };
}

/** A run's log, live while the run goes on. */
export function RunLog({ runId, onEnd }: { runId: string; onEnd: (status: string) => void }) {
  const { text, state } = useRunLog(runId, onEnd);
  const { box, onScroll } = useStickToBottom(text);
  return (
    <section aria-labelledby="run-log-heading">
      <h2 id="run-log-heading">Log</h2>
      <p className="muted">
        {STATE_TEXT[state]}{' '}
        <a href={`/api/v1/runs/${encodeURIComponent(runId)}/log`} target="_blank" rel="noreferrer">
          Open as text
        </a>
      </p>
      {/* Focusable so the keyboard can scroll it. */}
      <pre
        ref={box}
        className="log"
        aria-live="polite"
        aria-label="Run log"
        tabIndex={0}
        onScroll={onScroll}
      >
        {text || (state === 'ended' ? '(empty)' : '')}
      </pre>
    </section>
  );
}
