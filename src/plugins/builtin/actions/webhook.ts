import { openAsBlob } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { defineAction } from '../../define-kind.ts';
import { fileResults, previewFiles, type DeliveryPreview } from '../../delivery-preview.ts';
import type { DeliveredResult, FileResult } from '../../results.ts';
import type { ActionContext } from '../../run-context.ts';
import { guardedFetch } from '../../../net/guarded-fetch.ts';
import { AuthorizationField, HeadersField, TimeoutField } from '../http-fields.ts';
import {
  componentPolicy,
  requestError,
  requestHeaders,
  requestSignal,
  requestUrl,
  statusText,
} from '../http-request.ts';
import { counted } from '../../../domain/counted.ts';

const WebhookConfig = Type.Object(
  {
    url: Type.String({
      minLength: 1,
      maxLength: 8192,
      destination: true,
      description: 'The http:// or https:// address the summary is POSTed to',
    }),
    headers: HeadersField,
    authorization: AuthorizationField,
    includeFiles: Type.Boolean({
      default: false,
      description:
        'Send multipart/form-data: a part "summary" (the JSON) and one part per file result; otherwise only the JSON',
    }),
    timeoutSeconds: TimeoutField,
  },
  { additionalProperties: false },
);

type Config = Static<typeof WebhookConfig>;

/** One result as the summary lists it: text and JSON inline, files by name (and part). */
type SummaryResult = Record<string, unknown>;

/** What the webhook receives: the task, the run, the placeholders and the results. */
interface Summary {
  task: { id: string; name: string };
  run: { id: string; cause: string };
  placeholders: Readonly<Record<string, unknown>>;
  results: SummaryResult[];
}

/** The multipart field name of the n-th file result (0-based). */
function partName(index: number): string {
  return `file${index + 1}`;
}

function summaryResult(result: DeliveredResult, part: string | null): SummaryResult {
  const base = { jobId: result.jobId, type: result.type, name: result.name, valid: result.valid };
  switch (result.type) {
    case 'text':
      return { ...base, text: result.text };
    case 'json':
      return { ...base, value: result.value };
    case 'file':
      return {
        ...base,
        ...(result.mediaType === undefined ? {} : { mediaType: result.mediaType }),
        ...(part === null ? {} : { part }),
      };
  }
}

function summaryOf(context: ActionContext, includeFiles: boolean): Summary {
  let files = 0;
  return {
    task: { id: context.task.id, name: context.task.name },
    run: { id: context.runId, cause: context.cause },
    // Config secrets never become placeholders, so all of them may be sent.
    placeholders: context.placeholders,
    results: context.results.map((result) =>
      summaryResult(result, includeFiles && result.type === 'file' ? partName(files++) : null),
    ),
  };
}

/** JSON for any placeholder value (bigints as text). */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'bigint' ? item.toString() : item,
  );
}

/** The summary as a "summary" part, then each file result as a part named as in the summary. */
async function multipart(summary: Summary, files: readonly FileResult[]): Promise<FormData> {
  const form = new FormData();
  form.append('summary', new Blob([toJson(summary)], { type: 'application/json' }), 'summary.json');
  for (const [index, file] of files.entries()) {
    const type = file.mediaType ?? 'application/octet-stream';
    form.append(partName(index), await openAsBlob(file.path, { type }), file.name);
  }
  return form;
}

async function runWebhook(config: Config, context: ActionContext): Promise<void> {
  const url = requestUrl(config.url);
  const what = `webhook POST ${url.href}`;
  const summary = summaryOf(context, config.includeFiles);
  // The form's own content type names its boundary; the JSON's overrides the owner's headers.
  const bodyHeaders = new Headers();
  let body: string | FormData;
  if (config.includeFiles) {
    const files = fileResults(context);
    body = await multipart(summary, files);
  } else {
    bodyHeaders.set('content-type', 'application/json');
    body = toJson(summary);
  }
  const { response } = await guardedFetch({
    method: 'POST',
    url,
    userHeaders: requestHeaders(config.headers, config.authorization),
    bodyHeaders,
    body,
    signal: requestSignal(context.signal, config.timeoutSeconds),
    policy: await componentPolicy(context.host),
  }).catch((error: unknown) =>
    Promise.reject(requestError(what, error, context.signal, config.timeoutSeconds)),
  );
  await response.body?.cancel();
  if (response.status < 200 || response.status > 299) {
    throw new Error(`${what} answered ${statusText(response)}, expected any 2xx`);
  }
  context.log.info(
    `${what} answered ${statusText(response)} (${counted(summary.results.length, 'result')} sent)`,
  );
}

/** What the webhook would POST, for a dry run: to where, the JSON's size, the files; no request. */
async function previewWebhook(config: Config, context: ActionContext): Promise<DeliveryPreview> {
  const url = requestUrl(config.url);
  const summary = Buffer.byteLength(toJson(summaryOf(context, config.includeFiles)));
  const files = config.includeFiles ? await previewFiles(context) : [];
  const body = config.includeFiles ? 'multipart/form-data with a JSON summary' : 'a JSON summary';
  return { to: [`POST ${url.href}`], files, note: `${body} of ${summary} bytes` };
}

/** POSTs a JSON summary of the run (and optionally its files) to a URL. */
export const webhookAction = defineAction({
  kind: 'webhook',
  title: 'Webhook',
  description:
    'POSTs a JSON summary of the task, the run, its placeholders and results to a URL, optionally with the files (multipart)',
  configSchema: WebhookConfig,
  permission: 'action.http',
  accepts: ['file', 'text', 'json'],
  // A webhook reports on the run, results or not.
  runsWithoutResults: true,
  run: runWebhook,
  preview: previewWebhook,
});
