import { useRef, useState, type FormEvent } from 'react';
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
 * switching the source off, and the field errors the server named. Once saved or switched
 * off, the status message (given statusRef) takes the focus: the button pressed was disabled.
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
  const statusRef = useRef<HTMLParagraphElement>(null);
  const announce = (sentence: string) => {
    setSaved(sentence);
    requestAnimationFrame(() => statusRef.current?.focus());
  };
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
        announce(sentences.saved);
      },
    });
  };
  const remove = () => {
    if (!window.confirm(sentences.confirmRemove)) return;
    save.mutate(null, {
      onSuccess: () => {
        setDraft(empty);
        announce(sentences.removed);
      },
    });
  };
  const error = (key: string) => fieldError(save.error, `/${key}`);
  return { save, draft, set, submit, remove, saved, statusRef, error };
}
