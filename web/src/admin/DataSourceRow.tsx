import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../api.ts';
import type { DataSource } from './admin-types.ts';
import { DATA_SOURCES_KEY } from './use-data-sources.ts';
import { counted } from '../../../src/domain/counted.ts';

function accessText(access: DataSource['access']): string {
  if (access.everyone) return 'everyone';
  const parts = [
    access.groupIds.length > 0 ? counted(access.groupIds.length, 'group') : '',
    access.userIds.length > 0 ? counted(access.userIds.length, 'user') : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'administrators only';
}

/** Connects and runs "select 1"; the answer stays next to the button. */
function TestButton({ source }: { source: DataSource }) {
  const test = useMutation({
    mutationFn: () =>
      api<{ ok: boolean; message: string }>(
        'POST',
        `/data-sources/${encodeURIComponent(source.id)}/test`,
      ),
  });
  const result = test.data;
  return (
    <>
      <button type="button" onClick={() => test.mutate()} disabled={test.isPending}>
        Test connection<span className="visually-hidden"> to {source.name}</span>
      </button>
      <span role="status" className="test-result">
        {test.isPending && 'Testing…'}
        {result && (
          <span className={result.ok ? 'status status-succeeded' : 'status status-failed'}>
            {result.ok ? 'Works' : 'Fails'}: {result.message}
          </span>
        )}
        {test.isError && <span className="status status-failed">{test.error.message}</span>}
      </span>
    </>
  );
}

function DeleteButton({ source }: { source: DataSource }) {
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: () => api('DELETE', `/data-sources/${encodeURIComponent(source.id)}`),
    onSuccess: () => void client.invalidateQueries({ queryKey: DATA_SOURCES_KEY }),
  });
  const confirmDelete = () => {
    if (window.confirm(`Delete the data source “${source.name}”? Tasks that query it will fail.`)) {
      remove.mutate();
    }
  };
  return (
    <>
      <button type="button" onClick={confirmDelete} disabled={remove.isPending}>
        Delete<span className="visually-hidden"> {source.name}</span>
      </button>
      {remove.isError && <span role="alert"> {remove.error.message}</span>}
    </>
  );
}

/** One data source in the list, with its actions. */
export function DataSourceRow({ source, onEdit }: { source: DataSource; onEdit: () => void }) {
  return (
    <tr>
      <td className="wrap">{source.name}</td>
      <td>{source.kind}</td>
      <td className="optional wrap">
        <code>{source.location}</code>
      </td>
      <td className="optional">{accessText(source.access)}</td>
      <td>
        <div className="actions">
          <button type="button" onClick={onEdit}>
            Edit<span className="visually-hidden"> {source.name}</span>
          </button>
          <DeleteButton source={source} />
          {/* A changed source is tested afresh: the old answer no longer applies. */}
          <TestButton key={source.updatedAt} source={source} />
        </div>
      </td>
    </tr>
  );
}
