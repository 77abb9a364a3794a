// Entry point of the main step (action.yml `main:`): wiring only.
import { createGitHubRunner } from './github-runner.js'
import { run } from './run.js'
import { exitWhenWritten, failUnexpected } from './workflow-commands.js'

// run() reports its own failures; failUnexpected is the last line of defence (one clean error, no stack).
await run(createGitHubRunner(process.env)).catch(failUnexpected)
// The result is in process.exitCode; the process ends once everything is written (bounded: see exitWhenWritten).
exitWhenWritten()
