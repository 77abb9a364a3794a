// Entry point of the main step (action.yml `main:`): wiring only.
import { createGitHubRunner } from './github-runner.js'
import { run } from './run.js'

await run(createGitHubRunner(process.env))
// Everything is reported by now. A request abandoned at its deadline may still hold a socket open:
// end here so the step's time stays bounded.
process.exit()
