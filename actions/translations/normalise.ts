/**
 * What a change to a catalog or template is: anything but the creation/revision timestamps and the
 * source references (#: file:line), which move on every extraction without anything for translators.
 */
const VOLATILE_HEADER = /^"(POT-Creation-Date|PO-Revision-Date|X-Generator): .*\\n"$/;

export function normaliseCatalog(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .filter((line) => !line.startsWith('#:') && !VOLATILE_HEADER.test(line))
    .join('\n')
    .trimEnd();
}

export function sameCatalogContent(a: string, b: string): boolean {
  return normaliseCatalog(a) === normaliseCatalog(b);
}
