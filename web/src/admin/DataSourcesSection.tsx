import { useState } from 'react';
import type { DataSource } from './admin-types.ts';
import { DataSourceForm } from './DataSourceForm.tsx';
import { DataSourceRow } from './DataSourceRow.tsx';
import { useDataSources } from './use-data-sources.ts';

/** The databases tasks may query: list, add, edit, delete, test. */
export function DataSourcesSection() {
  const sources = useDataSources();
  const [editing, setEditing] = useState<DataSource | 'new' | null>(null);
  return (
    <section className="card" aria-labelledby="sources-heading">
      <h2 id="sources-heading">Data sources</h2>
      <p className="muted">Databases that SQL reports and series may query.</p>
      {editing === null ? (
        <p>
          <button type="button" onClick={() => setEditing('new')}>
            Add a data source
          </button>
        </p>
      ) : (
        <DataSourceForm
          key={editing === 'new' ? 'new' : editing.id}
          source={editing === 'new' ? null : editing}
          onDone={() => setEditing(null)}
        />
      )}
      {sources.isPending && <p className="loading">Loading data sources…</p>}
      {sources.isError && <p role="alert">{sources.error.message}</p>}
      {sources.data?.length === 0 && <p className="muted">There are no data sources.</p>}
      {sources.data && sources.data.length > 0 && (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col" className="optional">
                  Location
                </th>
                <th scope="col" className="optional">
                  Who may query it
                </th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sources.data.map((source) => (
                <DataSourceRow key={source.id} source={source} onEdit={() => setEditing(source)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
