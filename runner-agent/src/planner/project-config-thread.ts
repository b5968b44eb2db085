/**
 * The project config parser's thread: parses one `.ironbots.yml` per message, so that the cost of a large
 * or hostile file falls on this thread, never on the event loop that answers webhooks.
 */
import { parentPort } from 'node:worker_threads';
import { parseProjectConfig, ProjectConfigError } from './project-config.ts';
import type { ParseReply, ParseRequest } from './project-config-parser.ts';

parentPort!.on('message', ({ seq, text }: ParseRequest) => {
  let reply: ParseReply;
  try {
    reply = { seq, config: parseProjectConfig(text) };
  } catch (error) {
    reply =
      error instanceof ProjectConfigError
        ? { seq, configError: { message: error.message, line: error.line, field: error.field } }
        : { seq, crash: String((error as Error).stack ?? error) };
  }
  parentPort!.postMessage(reply);
});
