/** A number with its noun in the right form: "1 task", "3 tasks", "0 users". */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
