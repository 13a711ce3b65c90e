import { Field } from '../../components/Field.tsx';
import { textOf, type TriggerFormProps } from './trigger-form-props.ts';

/** A file-change trigger: the folder or file watched, which files, and how long changes settle. */
export function FileChangeFields({ config, issueAt, onChange }: TriggerFormProps) {
  const settle = config.settleSeconds;
  return (
    <>
      <Field
        label="Folder or file to watch"
        help="Must be inside the folders an administrator allows."
        error={issueAt('/path')}
      >
        {(control) => (
          <input
            {...control}
            className="mono"
            aria-required
            spellCheck={false}
            value={textOf(config, 'path')}
            onChange={(event) => onChange({ ...config, path: event.target.value })}
          />
        )}
      </Field>
      <Field label="Also watch the folders below" error={issueAt('/recursive')} inline>
        {(control) => (
          <input
            {...control}
            type="checkbox"
            checked={config.recursive !== false}
            onChange={(event) => onChange({ ...config, recursive: event.target.checked })}
          />
        )}
      </Field>
      <Field
        label="Only files matching (optional)"
        help="A pattern relative to the folder, e.g. **/*.csv. Empty: every file."
        error={issueAt('/glob')}
      >
        {(control) => (
          <input
            {...control}
            className="mono"
            spellCheck={false}
            value={textOf(config, 'glob')}
            onChange={(event) => onChange({ ...config, glob: event.target.value })}
          />
        )}
      </Field>
      <Field
        label="Settle time (seconds)"
        help="The task starts once nothing has changed for this long."
        error={issueAt('/settleSeconds')}
      >
        {(control) => (
          <input
            {...control}
            type="number"
            step="any"
            value={typeof settle === 'number' && !Number.isNaN(settle) ? settle : ''}
            onChange={(event) =>
              onChange({ ...config, settleSeconds: Number(event.target.value || NaN) })
            }
          />
        )}
      </Field>
    </>
  );
}
