/** The kinds of results jobs produce and actions accept. */
export type ResultType = 'file' | 'text' | 'json';

/** Whether a result passes the job's condition; invalid results still reach "always" actions. */
interface ResultBase {
  name: string;
  /** Default true. */
  valid?: boolean;
}

/** A file the job wrote, usually into its working folder. */
export interface FileResult extends ResultBase {
  type: 'file';
  /** Absolute path of the file on this node. */
  path: string;
  mediaType?: string;
}

/** A piece of text (a message, a short report). */
export interface TextResult extends ResultBase {
  type: 'text';
  text: string;
}

/** A JSON value (a record, a list of rows). */
export interface JsonResult extends ResultBase {
  type: 'json';
  value: unknown;
}

/** What a job returns. */
export type JobResult = FileResult | TextResult | JsonResult;

/** A result as actions receive it: which job made it, and whether it is valid. */
export type DeliveredResult = JobResult & { jobId: string; valid: boolean };
