import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InputError } from '../../core/inputs.ts';

/**
 * The root action's YAML and zod: a job given as a mapping, and the ironbots server's answers. Loaded only
 * once they are needed (submit-job.ts), so a step starts, and an input error shows, as fast as @actions/core
 * alone allows.
 */

const JobMappingSchema = z
  .object({
    context: z.string().min(1).max(100),
    run: z.union([z.array(z.string()).min(1), z.string().min(1)]),
    timeout: z.number().int().positive().optional(),
    env: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'is not an environment variable name'),
        z.union([z.string(), z.number(), z.boolean()]).transform(String),
      )
      .optional(),
    executor: z.enum(['process', 'podman', 'vm']).optional(),
    image: z.string().min(1).optional(),
  })
  .strict();

export type JobMapping = z.infer<typeof JobMappingSchema>;

/** What POST /api/v1/jobs answers (201, or 200 for a duplicate). */
export const SubmittedSchema = z.object({
  id: z.string().min(1),
  state: z.string(),
  duplicate: z.boolean().default(false),
  url: z.string(),
  logUrl: z.string(),
});

/** What GET /api/v1/jobs/<id> answers. A state this client does not know is polled on, not refused. */
export const StatusSchema = z.object({
  state: z.string(),
  description: z.string().optional(),
  logUrl: z.string().optional(),
});

/** The job input as a YAML mapping {context, run, …}; every problem is an InputError of `job`. */
export function parseJobMapping(text: string): JobMapping {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new InputError('job', `invalid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError('job', 'several lines must form a YAML mapping {context, run, …}');
  }
  const parsed = JobMappingSchema.safeParse(value);
  if (!parsed.success) throw new InputError('job', describeIssue(parsed.error.issues[0]!));
  return parsed.data;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.map(String).join('.') || 'mapping';
  // zod reports a bad record key as "Invalid key in record"; the inner issue says what is wrong with it.
  const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
  return `${where}: ${message}`;
}
