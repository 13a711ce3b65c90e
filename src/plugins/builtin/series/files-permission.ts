/** The permission to read series values from files in the allowed folders. */
export const FILES_PERMISSION = 'series.files';
