import { useEffect, useRef, useState } from 'react';

export type LogState = 'connecting' | 'live' | 'ended' | 'reconnecting' | 'unavailable';

/**
 * Follows a run's log through its event stream (events open, log, end). The server sends the
 * whole log after each "open", so a reconnect starts the text over instead of repeating it.
 * The stream is closed on "end": left open, EventSource would reconnect forever.
 */
export function useRunLog(runId: string, onEnd: (status: string) => void) {
  const [text, setText] = useState('');
  const [state, setState] = useState<LogState>('connecting');
  const onEndRef = useRef(onEnd);
  useEffect(() => {
    onEndRef.current = onEnd;
  });

  useEffect(() => {
    const source = new EventSource(`/api/v1/runs/${encodeURIComponent(runId)}/log`);
    // EventSource's own "open" (the connection) has no data; only the server's event has.
    source.addEventListener('open', (event) => {
      if (!(event instanceof MessageEvent)) return;
      setText('');
      setState('live');
    });
    // Each log event is whole lines without the last line break.
    source.addEventListener('log', (event) => {
      setText((current) => `${current}${String(event.data)}\n`);
    });
    source.addEventListener('end', (event) => {
      source.close();
      setState('ended');
      const { status } = JSON.parse(String(event.data)) as { status: string };
      onEndRef.current(status);
    });
    source.addEventListener('error', () => {
      setState(source.readyState === EventSource.CLOSED ? 'unavailable' : 'reconnecting');
    });
    return () => source.close();
  }, [runId]);

  return { text, state };
}
