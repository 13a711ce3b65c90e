import type { ReactNode } from 'react';
import { Field } from '../components/Field.tsx';
import type { NoticeEvent } from '../types.ts';
import { NOTICE_EVENT_OPTIONS, type NoticesDraft } from './notices-draft.ts';
import { NumberInput } from './NumberInput.tsx';
import { fieldId } from './schema/schema-shape.ts';
import { SchemaListField } from './schema/SchemaListField.tsx';
import { SchemaMultiChoiceField } from './schema/SchemaMultiChoiceField.tsx';

const EVENTS_SCHEMA = { type: 'array', title: 'Send a notice when' };
const ADDRESSES_SCHEMA = {
  type: 'array',
  items: { type: 'string' },
  title: 'Further addresses',
  description: 'One e-mail address per row: ops@example.com, or Ops <ops@example.com>.',
};

/** Props of the notices fields: the value, where its errors point, and how the owner is named. */
export interface NoticesFieldsProps {
  value: NoticesDraft;
  onChange: (value: NoticesDraft) => void;
  /** The JSON pointer of the notices in the request, e.g. /notices: its errors' prefix. */
  pointer: string;
  issueAt: (path: string) => string | undefined;
  /** The label of the "to the owner" checkbox, and its help (whose address that is). */
  ownerLabel: string;
  ownerHelp?: ReactNode;
}

/**
 * When notices are sent and where to: the events, the owner, further addresses, a webhook, and
 * the quiet period. Each control's id is the field id of its pointer, so an error leads there.
 */
export function NoticesFields(props: NoticesFieldsProps) {
  const { value, onChange, pointer, issueAt } = props;
  const set = (change: Partial<NoticesDraft>) => onChange({ ...value, ...change });
  return (
    <div className="notices-fields">
      <SchemaMultiChoiceField
        name="on"
        schema={EVENTS_SCHEMA}
        value={value.on}
        required={false}
        onChange={(on) => set({ on: on as NoticeEvent[] })}
        pointer={`${pointer}/on`}
        issueAt={issueAt}
        options={[...NOTICE_EVENT_OPTIONS]}
      />
      <Field
        id={fieldId(`${pointer}/toOwner`)}
        label={props.ownerLabel}
        help={props.ownerHelp}
        error={issueAt(`${pointer}/toOwner`)}
        inline
      >
        {(control) => (
          <input
            {...control}
            type="checkbox"
            checked={value.toOwner}
            onChange={(event) => set({ toOwner: event.target.checked })}
          />
        )}
      </Field>
      <SchemaListField
        name="to"
        schema={ADDRESSES_SCHEMA}
        value={value.to}
        required={false}
        onChange={(to) => set({ to: (to as string[] | undefined) ?? [] })}
        pointer={`${pointer}/to`}
        issueAt={issueAt}
        itemType="string"
      />
      <WebhookField {...props} set={set} />
      <QuietField {...props} set={set} />
    </div>
  );
}

type FieldProps = NoticesFieldsProps & { set: (change: Partial<NoticesDraft>) => void };

/** The webhook's address; empty is none. */
function WebhookField({ value, pointer, issueAt, set }: FieldProps) {
  return (
    <Field
      id={fieldId(`${pointer}/webhook`)}
      label="Webhook URL"
      help="An http:// or https:// address the notice is sent to as JSON (POST). Empty: none."
      error={issueAt(`${pointer}/webhook`)}
    >
      {(control) => (
        <input
          {...control}
          type="url"
          spellCheck={false}
          placeholder="https://chat.example.com/hooks/…"
          value={value.webhook ?? ''}
          onChange={(event) =>
            set({ webhook: event.target.value === '' ? null : event.target.value })
          }
        />
      )}
    </Field>
  );
}

/** The quiet period after a notice; empty leaves the server's default (60). */
function QuietField({ value, onChange, pointer, issueAt }: FieldProps) {
  const setMinutes = (minutes: number | undefined) => {
    const { quietMinutes: _previous, ...rest } = value;
    onChange(minutes === undefined ? rest : { ...rest, quietMinutes: minutes });
  };
  return (
    <Field
      id={fieldId(`${pointer}/quietMinutes`)}
      label="At most one notice every … minutes"
      help="After a notice, the next one waits this long: notices that fall in between are not sent one by one but summed up in the next one. 0: each is sent; empty: 60."
      error={issueAt(`${pointer}/quietMinutes`)}
    >
      {(control) => (
        <NumberInput
          {...control}
          value={value.quietMinutes}
          integer
          min={0}
          max={10080}
          placeholder="60"
          onValue={setMinutes}
        />
      )}
    </Field>
  );
}
