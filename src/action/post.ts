// Entry point of the post step (action.yml `post:`): wiring only.
import { createGitHubRunner } from './github-runner.js'
import { runPost } from './post-step.js'
import { getState } from './workflow-commands.js'

await runPost(getState, createGitHubRunner(process.env))
