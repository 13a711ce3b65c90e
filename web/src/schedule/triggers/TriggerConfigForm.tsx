import { SchemaForm } from '../../components/SchemaForm.tsx';
import type { ComponentKind } from '../../types.ts';
import { ScheduleBuilder } from '../ScheduleBuilder.tsx';
import { AfterTaskFields } from './AfterTaskFields.tsx';
import { asSchedule } from './as-schedule.ts';
import { FileChangeFields } from './FileChangeFields.tsx';
import { HttpTriggerFields } from './HttpTriggerFields.tsx';
import { JsonConfigEditor } from './JsonConfigEditor.tsx';
import type { TriggerFormProps } from './trigger-form-props.ts';

/** The form for a trigger's config: the kind's own, else one made from its schema, else JSON. */
export function TriggerConfigForm({
  kind,
  kindName,
  taskZone,
  asJson,
  pointer,
  ...form
}: TriggerFormProps & {
  kind: ComponentKind | undefined;
  kindName: string;
  taskZone: string;
  asJson: boolean;
  /** Where the config sits in the task (/triggers/0/config): its generated fields' ids. */
  pointer: string;
}) {
  const json = (
    <JsonConfigEditor
      config={form.config}
      schema={kind?.configSchema}
      error={form.issueAt('')}
      onChange={form.onChange}
    />
  );
  if (asJson) return json;
  switch (kindName) {
    case 'time': {
      const schedule = asSchedule(form.config);
      if (!schedule) {
        return (
          <>
            <p className="muted">This schedule cannot be shown in the builder; edit it as JSON.</p>
            {json}
          </>
        );
      }
      return (
        <ScheduleBuilder
          schedule={schedule}
          taskZone={taskZone}
          issueAt={form.issueAt}
          onChange={(next) => form.onChange({ ...next })}
        />
      );
    }
    case 'after-task':
      return <AfterTaskFields {...form} />;
    case 'file-change':
      return <FileChangeFields {...form} />;
    case 'http':
      return <HttpTriggerFields {...form} />;
    case 'server-start':
      return <p className="muted">No settings: the task starts each time a server starts.</p>;
    default:
      return kind?.configSchema.properties ? (
        <SchemaForm
          schema={kind.configSchema}
          value={form.config}
          onChange={form.onChange}
          pointer={pointer}
          issueAt={(path) => form.issueAt(path.slice(pointer.length))}
        />
      ) : (
        json
      );
  }
}
