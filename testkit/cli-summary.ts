/*
 * The counts of the "Resources:" summary the `pulumi` CLI prints after a preview or an update.
 */

/** The resources a `pulumi preview` or `up` summary counts as created, updated, replaced, deleted or imported: all but `unchanged`. */
export function changesIn(output: string): number {
  const summary = output.slice(output.lastIndexOf("\nResources:"));
  return [...summary.matchAll(/^\s*[-+~<>=]+\s*(\d+) (?!unchanged)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
}

/** The resources a summary counts as unchanged, on a line of their own or after the total ("3 changes. 11 unchanged"). */
export function unchangedIn(output: string): number {
  return Number(/^\s*(?:\d+ changes\. )?(\d+) unchanged$/m.exec(output.slice(output.lastIndexOf("\nResources:")))?.[1] ?? 0);
}
