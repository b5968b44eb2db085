import { registerHooks } from 'node:module';

/**
 * GitHub's own workflow parser (@actions/workflow-parser, what GitHub's language server uses) imports its
 * JSON schema without `with { type: 'json' }`, which bundlers accept and Node does not: add the attribute
 * for that package's JSON files before loading it.
 */
registerHooks({
  load(url, context, nextLoad) {
    if (url.endsWith('.json') && url.includes('/@actions/workflow-parser/'))
      return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: 'json' } });
    return nextLoad(url, context);
  },
});

const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } =
  await import('@actions/workflow-parser');

/** Every problem GitHub would report for this workflow file, with line and column; empty when valid. */
export async function githubWorkflowErrors(name: string, content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (parsed.value) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    for (const e of template.errors ?? []) if (!errors.includes(e.Message)) errors.push(e.Message);
  }
  return errors;
}
