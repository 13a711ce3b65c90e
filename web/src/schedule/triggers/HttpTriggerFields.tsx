import { Check, Field, FieldGroup } from '../../components/Field.tsx';
import { toggled } from '../list-edits.ts';
import type { TriggerFormProps } from './trigger-form-props.ts';

const METHODS = ['GET', 'POST'] as const;

/** An HTTP trigger: the methods its secret URL answers, and the URL's rotation. */
export function HttpTriggerFields({ config, issueAt, onChange }: TriggerFormProps) {
  const methods = Array.isArray(config.methods) ? (config.methods as string[]) : [...METHODS];
  const rotation = typeof config.rotation === 'number' ? config.rotation : 0;
  return (
    <>
      <p className="muted">
        The task gets its own secret URL; calling it starts the task, and its query or form
        parameters become placeholders. The URL appears with the task once it is saved.
      </p>
      <FieldGroup legend="Methods that start the task" error={issueAt('/methods')}>
        {METHODS.map((method) => (
          <Check
            key={method}
            label={method}
            checked={methods.includes(method)}
            onChange={(on) =>
              onChange({
                ...config,
                methods: toggled(methods, method, on, (a, b) => a.localeCompare(b)),
              })
            }
          />
        ))}
      </FieldGroup>
      <Field
        label="URL rotation"
        help="Raise it to get a new URL (after saving); the old one stops working."
        error={issueAt('/rotation')}
      >
        {(control) => (
          <input
            {...control}
            type="number"
            step={1}
            value={Number.isNaN(rotation) ? '' : rotation}
            onChange={(event) =>
              onChange({ ...config, rotation: Number(event.target.value || NaN) })
            }
          />
        )}
      </Field>
    </>
  );
}
