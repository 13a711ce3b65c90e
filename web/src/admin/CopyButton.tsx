import { useState } from 'react';

/** Copies a text to the clipboard and says so. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [done, setDone] = useState<'copied' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone('copied');
    } catch {
      // Without a secure context there is no clipboard API; the text is still selectable.
      setDone('failed');
    }
  };
  return (
    <>
      <button type="button" onClick={() => void copy()}>
        {label}
      </button>
      <span role="status" className="muted">
        {done === 'copied' && 'Copied.'}
        {done === 'failed' && 'Copying is not possible here: select the text and copy it.'}
      </span>
    </>
  );
}
