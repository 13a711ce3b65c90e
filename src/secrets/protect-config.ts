import { mapConfigStrings, type FieldAnnotations } from '../domain/config-fields.ts';
import { placeholderNames } from '../domain/placeholders.ts';
import { SECRET_MASK, SecretBox } from './secret-box.ts';

/** A secret field sent back masked, with nothing stored to keep. */
export class MaskedSecretError extends Error {}

/** Whether any field marked `destination` differs between the two configs. */
export function destinationChanged(schema: unknown, config: unknown, previous: unknown): boolean {
  const before = valuesWhere(schema, previous, (field) => field.destination);
  const after = valuesWhere(schema, config, (field) => field.destination);
  if (before.size !== after.size) return true;
  return [...after].some(([path, value]) => before.get(path) !== value);
}

/**
 * The placeholders the fields marked `destination` use, when the config holds a secret: whoever
 * fills them chooses where the secret goes. Empty for a config without a secret.
 */
export function secretSteeringPlaceholders(schema: unknown, config: unknown): string[] {
  const holdsSecret = [...secretValues(schema, config).values()].some((value) => value !== '');
  if (!holdsSecret) return [];
  const destinations = valuesWhere(schema, config, (field) => field.destination);
  return [...destinations.values()].flatMap((value) => placeholderNames(value));
}

/**
 * The config as it is stored: secret fields sealed. A field sent back as the mask keeps its
 * stored value, found at the same place in the previous config, unless keepMasked is false.
 */
export function sealSecrets(
  box: SecretBox,
  schema: unknown,
  config: unknown,
  previous: unknown,
  keepMasked = true,
): unknown {
  const previousSecrets = secretValues(schema, previous);
  return mapConfigStrings(schema, config, (text, field, path) => {
    if (!field.secret) return text;
    const stored = previousSecrets.get(path);
    // What was stored comes back as it is (a merged patch); anything else sent is a new secret.
    if (stored !== undefined && text === stored && SecretBox.isSealed(text)) return text;
    if (text !== SECRET_MASK) return box.seal(text);
    if (!keepMasked || stored === undefined || stored === '') throw new MaskedSecretError();
    return stored;
  });
}

/** The values of the fields the annotations pick, by JSON pointer (as stored). */
function valuesWhere(
  schema: unknown,
  config: unknown,
  pick: (field: FieldAnnotations) => boolean,
): Map<string, string> {
  const found = new Map<string, string>();
  if (config === undefined || config === null) return found;
  mapConfigStrings(schema, config, (text, field, path) => {
    if (pick(field)) found.set(path, text);
    return text;
  });
  return found;
}

/** The secret fields' values by JSON pointer (stored form). */
function secretValues(schema: unknown, config: unknown): Map<string, string> {
  return valuesWhere(schema, config, (field) => field.secret);
}

/** The config as the API shows it: every non-empty secret masked. */
export function maskSecrets(schema: unknown, config: unknown): unknown {
  return mapConfigStrings(schema, config, (text, field) =>
    field.secret && text !== '' ? SECRET_MASK : text,
  );
}

/** The config as a run needs it: secrets in clear. */
export function openSecrets(box: SecretBox, schema: unknown, config: unknown): unknown {
  return mapConfigStrings(schema, config, (text, field) => (field.secret ? box.open(text) : text));
}

/**
 * The forms in which a message may carry a secret: as it is, escaped in JSON, encoded in a URL
 * and in base64. A shorter value than 4 characters is left out (it would blot out ordinary text).
 */
function messageForms(secret: string): string[] {
  const forms = [
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    Buffer.from(secret).toString('base64'),
  ];
  return [...new Set(forms)].filter((form) => form.length >= 4);
}

/** The clear values of the secret fields, in every form a message may carry them (for redaction). */
export function clearSecrets(box: SecretBox, schema: unknown, config: unknown): string[] {
  return [...secretValues(schema, config).values()].flatMap((value) =>
    messageForms(box.open(value)),
  );
}

/** The text with every one of these secrets written as *** (the longest first, so none is left in part). */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  return [...secrets]
    .sort((a, b) => b.length - a.length)
    .reduce((result, secret) => result.replaceAll(secret, '***'), text);
}
