import { Field, type ControlProps } from '../../components/Field.tsx';
import type { SchemaFieldProps } from './schema-field-props.ts';
import { AllowedFoldersHint } from './AllowedFoldersHint.tsx';
import { SchemaLabel } from './SchemaLabel.tsx';
import { fieldId, helpOf, SECRET_MASK, textOf } from './schema-shape.ts';

const KEEP_SECRET_HELP =
  'A secret is stored: leave the mask as it is to keep it, or type a new one.';

/**
 * A text field; a secret one is a password input that shows the API's mask, and one naming a
 * file or folder lists the allowed folders under it.
 */
export function SchemaTextField(
  props: SchemaFieldProps & { multiline: boolean; secret: boolean; folder?: boolean },
) {
  const { name, schema, value, required, onChange, pointer, issueAt, multiline, secret } = props;
  const id = fieldId(pointer);
  const error = issueAt(pointer);
  const text = textOf(value);
  const masked = secret && text === SECRET_MASK;
  const help = [helpOf(name, schema), masked ? KEEP_SECRET_HELP : ''].filter(Boolean).join(' ');
  const textProps = (wiring: ControlProps) => ({
    ...wiring,
    value: text,
    onChange: (event: { target: { value: string } }) =>
      onChange(event.target.value === '' && !required ? undefined : event.target.value),
  });
  return (
    <Field
      id={id}
      label={<SchemaLabel name={name} schema={schema} required={required} />}
      help={
        props.folder ? (
          <>
            {/[.!?]$/.test(help.trim()) ? help : `${help}.`} <AllowedFoldersHint />
          </>
        ) : (
          help
        )
      }
      error={error}
    >
      {(wiring) =>
        multiline ? (
          <textarea {...textProps(wiring)} rows={6} spellCheck={false} />
        ) : secret ? (
          <input
            {...textProps(wiring)}
            type="password"
            autoComplete="new-password"
            // Typing over the whole mask replaces the secret instead of appending to it.
            onFocus={(event) => masked && event.currentTarget.select()}
          />
        ) : (
          <input {...textProps(wiring)} type="text" />
        )
      }
    </Field>
  );
}
