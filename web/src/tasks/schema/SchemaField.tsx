import type { SchemaFieldProps } from './schema-field-props.ts';
import { SchemaBooleanField } from './SchemaBooleanField.tsx';
import { SchemaChoiceField } from './SchemaChoiceField.tsx';
import { SchemaDataSourceField } from './SchemaDataSourceField.tsx';
import { SchemaJsonField } from './SchemaJsonField.tsx';
import { SchemaListField } from './SchemaListField.tsx';
import { SchemaMultiChoiceField } from './SchemaMultiChoiceField.tsx';
import { SchemaNumberField } from './SchemaNumberField.tsx';
import { SchemaObjectField } from './SchemaObjectField.tsx';
import { SchemaRecordField } from './SchemaRecordField.tsx';
import { shapeOf } from './schema-shape.ts';
import { SchemaTextField } from './SchemaTextField.tsx';
import { SchemaUnionField } from './SchemaUnionField.tsx';

/** The control for one property, chosen by the shape of its schema. */
export function SchemaField(props: SchemaFieldProps) {
  const shape = shapeOf(props.schema);
  switch (shape.kind) {
    case 'text':
      return (
        <SchemaTextField
          {...props}
          multiline={shape.multiline}
          secret={shape.secret}
          folder={shape.folder}
        />
      );
    case 'dataSource':
      return <SchemaDataSourceField {...props} />;
    case 'number':
      return <SchemaNumberField {...props} integer={shape.integer} />;
    case 'boolean':
      return <SchemaBooleanField {...props} />;
    case 'choice':
      return <SchemaChoiceField {...props} options={shape.options} />;
    case 'union':
      return <SchemaUnionField {...props} variants={shape.variants} />;
    case 'multichoice':
      return <SchemaMultiChoiceField {...props} options={shape.options} />;
    case 'list':
      return <SchemaListField {...props} itemType={shape.itemType} />;
    case 'object':
      return <SchemaObjectField {...props} />;
    case 'record':
      return <SchemaRecordField {...props} />;
    case 'json':
      return <SchemaJsonField {...props} />;
  }
}
