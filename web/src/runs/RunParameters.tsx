/** The placeholders a run was started with, if any. */
export function RunParameters({ parameters }: { parameters: Record<string, string> }) {
  const entries = Object.entries(parameters);
  if (entries.length === 0) return null;
  return (
    <section aria-labelledby="run-parameters-heading">
      <h2 id="run-parameters-heading">Parameters</h2>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {entries.map(([name, value]) => (
              <tr key={name}>
                <td>
                  <code>{name}</code>
                </td>
                <td className="wrap">{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
