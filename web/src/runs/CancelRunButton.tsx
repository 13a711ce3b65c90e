import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../api.ts';
import { runKey } from './use-run.ts';
import type { RunView } from './run-types.ts';

/** Asks the server to cancel a queued or running run; the run page shows it ending. */
export function CancelRunButton({ run }: { run: RunView }) {
  const client = useQueryClient();
  const cancel = useMutation({
    mutationFn: () => api<RunView>('POST', `/runs/${encodeURIComponent(run.id)}/cancel`),
    onSuccess: (updated) => {
      client.setQueryData(runKey(run.id), updated);
      void client.invalidateQueries({ queryKey: ['runs'] });
    },
  });
  const requested = run.cancelRequested || cancel.isSuccess;
  return (
    <>
      <button
        type="button"
        onClick={() => cancel.mutate()}
        disabled={cancel.isPending || requested}
      >
        {requested ? 'Cancel requested' : 'Cancel run'}
      </button>
      {cancel.isError && <span role="alert"> {cancel.error.message}</span>}
    </>
  );
}
