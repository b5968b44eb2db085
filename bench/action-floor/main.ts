import * as core from '@actions/core';

/**
 * The floor of an action's cold start (bench/action-cold-start.ts): load @actions/core and read a required
 * input, which fails without inputs the way every action's input check does (its first line, `::error::`).
 */
try {
  core.getInput('token', { required: true });
} catch (error) {
  core.setFailed((error as Error).message);
}
