import { useState } from 'react';
import { ApiError } from '../api.ts';
import type { Task } from '../types.ts';
import { exportAndDownload } from './task-transfer.ts';

/** Saves one task as a .json file (secrets left out), for importing on another server. */
export function TaskExportButton({ task }: { task: Task }) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const exportTask = async () => {
    if (busy) return;
    setBusy(true);
    setFailure(null);
    try {
      await exportAndDownload([task.id]);
    } catch (caught) {
      setFailure(caught instanceof ApiError ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button
        type="button"
        aria-disabled={busy}
        title="Save as a .json file, without its secrets"
        onClick={() => void exportTask()}
      >
        Export
      </button>
      {failure ? (
        <span role="alert" className="notice-error">
          The export failed: {failure}
        </span>
      ) : null}
    </>
  );
}
