import { Type } from '@sinclair/typebox';
import { defineSeries } from '../../define-kind.ts';

const ListConfig = Type.Object(
  {
    items: Type.Array(Type.Record(Type.String({ maxLength: 100 }), Type.Unknown()), {
      maxItems: 10000,
      description: 'The records; their fields become placeholders',
    }),
  },
  { additionalProperties: false },
);

/** A fixed list of records, written into the task. */
export const listSeries = defineSeries({
  kind: 'list',
  title: 'List',
  description: 'Runs the jobs and actions once for each record of a fixed list',
  configSchema: ListConfig,
  resolve: async (config) => config.items,
});
