import { useState, type KeyboardEvent } from 'react';
import { useModalDialog } from '../components/use-modal-dialog.ts';
import type { Task } from '../types.ts';
import { PARAMETER_NAME_PATTERN } from '../../../src/domain/placeholders.ts';
import { parameterNamesOf } from './task-parameters.ts';

const PARAMETER_NAME = new RegExp(PARAMETER_NAME_PATTERN);

/** One parameter row: its name (fixed for the task's own placeholders) and value. */
interface Row {
  name: string;
  value: string;
  /** A placeholder the task uses: its name cannot be edited. */
  known: boolean;
}

const rowsOf = (task: Task): Row[] =>
  parameterNamesOf(task).map((name) => ({ name, value: '', known: true }));

/**
 * Runs the task with parameters: a field for each placeholder its components use, and rows
 * for others; a modal dialog (Escape cancels). Empty values are not sent.
 */
export function RunWithParametersDialog(props: {
  task: Task | null;
  busy: boolean;
  onCancel: () => void;
  onRun: (task: Task, parameters: Record<string, string>) => void;
}) {
  const { task, busy, onCancel, onRun } = props;
  const [rows, setRows] = useState<Row[]>([]);
  const [problem, setProblem] = useState('');
  const dialog = useModalDialog(task !== null, () => {
    if (task) setRows(rowsOf(task));
    setProblem('');
  });
  const change = (index: number, part: Partial<Row>) =>
    setRows((current) => current.map((row, i) => (i === index ? { ...row, ...part } : row)));
  const run = () => {
    if (!task) return;
    const given = rows.filter((row) => row.name.trim() !== '' && row.value !== '');
    const bad = given.find((row) => !PARAMETER_NAME.test(row.name.trim()));
    if (bad) {
      // Said here, with what was typed kept, rather than after the dialog has closed.
      setProblem(
        `“${bad.name.trim()}” cannot be a parameter’s name: use letters, digits, _ . and - (starting with a letter or _), and nothing under task., run., job. or trigger., which the server fills.`,
      );
      return;
    }
    onRun(task, Object.fromEntries(given.map((row) => [row.name.trim(), row.value])));
  };
  const runOnEnter = (event: KeyboardEvent) => {
    if (event.key !== 'Enter' || !(event.target instanceof HTMLInputElement)) return;
    event.preventDefault();
    run();
  };
  return (
    <dialog
      ref={dialog}
      className="task-dialog"
      aria-labelledby="run-parameters-title"
      onClose={onCancel}
    >
      {task ? (
        // Not a form: the dialog sits inside the editor's form, and forms do not nest; Enter in
        // a field runs (rather than submitting, and saving, the editor's form).
        <div onKeyDown={runOnEnter}>
          <h2 id="run-parameters-title">Run “{task.name}” with parameters</h2>
          <p className="muted">
            Each value fills its placeholder, e.g. {'{region}'}, in this run only; empty ones are
            left out.
          </p>
          {rows.length === 0 ? (
            <p>This task uses no placeholders of its own; add a parameter below.</p>
          ) : null}
          <div className="run-parameters">
            {rows.map((row, index) =>
              row.known ? (
                <label key={`known-${row.name}`}>
                  <span>{row.name}</span>
                  <input
                    value={row.value}
                    onChange={(event) => change(index, { value: event.target.value })}
                  />
                </label>
              ) : (
                <div key={`extra-${index}`} className="parameter-row">
                  <input
                    aria-label={`Name of parameter ${index + 1}`}
                    placeholder="name"
                    value={row.name}
                    onChange={(event) => change(index, { name: event.target.value })}
                  />
                  <input
                    aria-label={`Value of parameter ${index + 1}`}
                    placeholder="value"
                    value={row.value}
                    onChange={(event) => change(index, { value: event.target.value })}
                  />
                </div>
              ),
            )}
          </div>
          {problem ? (
            <p role="alert" className="field-error">
              {problem}
            </p>
          ) : null}
          <p>
            <button
              type="button"
              onClick={() =>
                setRows((current) => [...current, { name: '', value: '', known: false }])
              }
            >
              Add a parameter
            </button>
          </p>
          <div className="dialog-buttons">
            <button type="button" onClick={onCancel}>
              Cancel
            </button>
            <button type="button" className="primary" disabled={busy} onClick={run}>
              Run
            </button>
          </div>
        </div>
      ) : null}
    </dialog>
  );
}
