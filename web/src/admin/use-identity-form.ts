import { useState, type FormEvent } from 'react';
import { fieldError } from './form-errors.ts';
import { useSaveIdentitySettings, type IdentitySettings } from './use-identity-settings.ts';

/** What the form says when it saved, when it switched the source off, and asks before that. */
interface Sentences {
  saved: string;
  removed: string;
  confirmRemove: string;
}

/**
 * The state of an outside identity source's form (LDAP, single sign-on): the draft, saving it,
 * switching the source off, and the field errors the server named.
 */
export function useIdentityForm<Source extends keyof IdentitySettings>(
  source: Source,
  stored: IdentitySettings[Source] | null,
  empty: IdentitySettings[Source],
  sentences: Sentences,
  prepare: (draft: IdentitySettings[Source]) => IdentitySettings[Source] = (draft) => draft,
) {
  type Settings = IdentitySettings[Source];
  const save = useSaveIdentitySettings(source);
  const [draft, setDraft] = useState<Settings>(stored ?? empty);
  const [saved, setSaved] = useState('');
  const set =
    <Key extends keyof Settings>(key: Key) =>
    (value: Settings[Key]) =>
      setDraft((current) => ({ ...current, [key]: value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved('');
    save.mutate(prepare(draft), {
      onSuccess: (answer) => {
        if (answer) setDraft(answer);
        setSaved(sentences.saved);
      },
    });
  };
  const remove = () => {
    if (!window.confirm(sentences.confirmRemove)) return;
    save.mutate(null, {
      onSuccess: () => {
        setDraft(empty);
        setSaved(sentences.removed);
      },
    });
  };
  const error = (key: string) => fieldError(save.error, `/${key}`);
  return { save, draft, set, submit, remove, saved, error };
}
