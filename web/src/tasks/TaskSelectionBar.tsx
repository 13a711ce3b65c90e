import { useState } from 'react';
import { ApiError } from '../api.ts';
import { exportAndDownload } from './task-transfer.ts';
import type { TaskSelection } from './useTaskSelection.ts';
import { counted } from '../../../src/domain/counted.ts';

/**
 * Above the list: how many tasks are ticked, and Export, which saves them as a .json file
 * (secrets left out). aria-disabled rather than disabled: the focus stays on the button.
 */
export function TaskSelectionBar({ selection }: { selection: TaskSelection }) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const count = selection.selected.size;
  const exportSelected = async () => {
    if (busy || count === 0) return;
    setBusy(true);
    try {
      const exported = await exportAndDownload([...selection.selected]);
      setMessage({
        text: `Exported ${counted(exported, 'task')}, without ${exported === 1 ? 'its' : 'their'} secrets.`,
        error: false,
      });
    } catch (caught) {
      const text = caught instanceof ApiError ? caught.message : String(caught);
      setMessage({ text: `The export failed: ${text}`, error: true });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="selection-bar">
      <span>{count === 0 ? 'Tick tasks to export them.' : `${count} selected`}</span>
      <button
        type="button"
        aria-disabled={busy || count === 0}
        onClick={() => void exportSelected()}
      >
        Export selected
      </button>
      {count > 0 ? (
        <button type="button" className="link-button" onClick={selection.clear}>
          Clear selection
        </button>
      ) : null}
      <span role="status" className={message?.error ? 'notice-error' : undefined}>
        {message?.text ?? ''}
      </span>
    </div>
  );
}
