import { Type, type Static } from '@sinclair/typebox';
import { defineTrigger } from '../../define-kind.ts';

/** The config of an HTTP trigger. */
export const HttpTriggerConfig = Type.Object(
  {
    methods: Type.Array(Type.Union([Type.Literal('GET'), Type.Literal('POST')]), {
      default: ['GET', 'POST'],
      minItems: 1,
      uniqueItems: true,
      description: 'The methods that start the task',
    }),
    rotation: Type.Integer({
      minimum: 0,
      default: 0,
      description: 'Raise it to get a new URL; the old one stops working',
    }),
  },
  { additionalProperties: false },
);
export type HttpTriggerConfig = Static<typeof HttpTriggerConfig>;

/**
 * Starts the task when its own unguessable URL is called; query and form parameters become
 * placeholders. The URL is shown with the task (hooks) and answers 404 while the task is off.
 */
export const httpTrigger = defineTrigger({
  kind: 'http',
  title: 'HTTP call',
  description: 'Starts the task when its own secret URL is called (GET or POST)',
  configSchema: HttpTriggerConfig,
  permission: 'trigger.http',
});
