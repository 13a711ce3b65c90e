import { useId, useState } from 'react';
import { CopyButton } from './CopyButton.tsx';
import { generatePassword } from './generate-password.ts';

/**
 * "Generate a password": puts a strong random password into the form and shows it, for the
 * administrator to copy and hand on. It is shown only while the form is open and unchanged.
 */
export function PasswordGenerator({
  password,
  onGenerate,
}: {
  password: string;
  onGenerate: (password: string) => void;
}) {
  const id = useId();
  const [generated, setGenerated] = useState<string | null>(null);
  const generate = () => {
    const made = generatePassword();
    setGenerated(made);
    onGenerate(made);
  };
  return (
    <div className="generated-password">
      <button type="button" onClick={generate}>
        Generate a password
      </button>
      {generated !== null && generated === password && (
        <>
          <label htmlFor={id}>Generated password: copy it now, it is not shown again</label>
          <div className="secret-row">
            <input
              id={id}
              readOnly
              value={generated}
              className="secret"
              onFocus={(event) => event.target.select()}
            />
            <CopyButton text={generated} label="Copy the password" />
          </div>
        </>
      )}
    </div>
  );
}
