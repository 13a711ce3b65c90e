import { useState, type ReactNode } from 'react';
import { Field } from '../components/Field.tsx';

/** Props of a JSON text area. */
export interface JsonTextAreaProps {
  id: string;
  label: ReactNode;
  help?: string | undefined;
  value: unknown;
  /** The parsed value; undefined when the text is empty. Not called while the text is no JSON. */
  onChange: (value: unknown) => void;
  error?: string | undefined;
}

const textOf = (value: unknown) => (value === undefined ? '' : JSON.stringify(value, null, 2));

/** Free JSON for what no form field fits; the text stays as typed until it parses. */
export function JsonTextArea({ id, label, help, value, onChange, error }: JsonTextAreaProps) {
  const [text, setText] = useState(() => textOf(value));
  const [parseError, setParseError] = useState<string | null>(null);
  const change = (next: string) => {
    setText(next);
    if (next.trim() === '') {
      setParseError(null);
      onChange(undefined);
      return;
    }
    try {
      onChange(JSON.parse(next));
      setParseError(null);
    } catch (caught) {
      setParseError(`Not valid JSON: ${caught instanceof Error ? caught.message : String(caught)}`);
    }
  };
  const shownError = parseError ?? error;
  return (
    <Field id={id} label={label} help={help} error={shownError}>
      {(control) => (
        <textarea
          {...control}
          className="json"
          rows={Math.min(12, Math.max(3, text.split('\n').length))}
          spellCheck={false}
          value={text}
          onChange={(event) => change(event.target.value)}
        />
      )}
    </Field>
  );
}
