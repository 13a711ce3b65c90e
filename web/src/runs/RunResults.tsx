import { formatBytes } from './format.ts';
import type { RunResult } from './run-types.ts';

function ResultContent({ runId, result }: { runId: string; result: RunResult }) {
  if (result.artifactId) {
    const href = `/api/v1/runs/${encodeURIComponent(runId)}/artifacts/${encodeURIComponent(result.artifactId)}`;
    return (
      <a href={href} download={result.name}>
        Download {result.name}
        <span className="visually-hidden"> ({formatBytes(result.size)})</span>
      </a>
    );
  }
  const content =
    result.text ?? (result.value === undefined ? '' : JSON.stringify(result.value, null, 2));
  return (
    <details>
      <summary>Show {result.type}</summary>
      <pre className="result-text">{content}</pre>
    </details>
  );
}

/** The files, texts and values a run's jobs produced; files download. */
export function RunResults({ runId, results }: { runId: string; results: RunResult[] }) {
  if (results.length === 0) return null;
  return (
    <section aria-labelledby="run-results-heading">
      <h2 id="run-results-heading">Results</h2>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" className="optional">
                Item
              </th>
              <th scope="col" className="optional">
                Job
              </th>
              <th scope="col">Type</th>
              <th scope="col">Content</th>
            </tr>
          </thead>
          <tbody>
            {results.map((result, index) => (
              <tr key={result.artifactId ?? `${result.jobId}-${index}`}>
                <td className="wrap">
                  {result.name}
                  {!result.valid && <span className="status status-failed"> (not valid)</span>}
                </td>
                <td className="optional">#{result.itemIndex + 1}</td>
                <td className="optional">{result.jobId}</td>
                <td>
                  {result.type}
                  {result.size !== undefined && (
                    <span className="muted"> · {formatBytes(result.size)}</span>
                  )}
                </td>
                <td>
                  <ResultContent runId={runId} result={result} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
