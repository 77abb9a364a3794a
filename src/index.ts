import { run } from './main.js'

await run()
// Everything is reported by now. A request abandoned at its deadline may still hold a socket open:
// end here so the step's time stays bounded.
process.exit()
