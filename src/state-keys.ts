/** Every key the main step saves for the post step, named in one place (the config files' and the diagnosis'). */
export const StateKey = {
  /** The random nonce written into our block of each file (config-files/run-marker.ts): post touches only a file carrying it. */
  RunNonce: 'run-nonce',
  /** Path of the .npmrc written or merged into. */
  NpmrcPath: 'npmrc-path',
  /** 'true' when the main step created that file (post removes it), 'false' when it merged into one. */
  NpmrcCreated: 'npmrc-created',
  /** Octal mode of a file merged into (e.g. '644'), put back once our lines are out. */
  NpmrcMode: 'npmrc-mode',
  /** Key of this step's block in that file (the registry key): post takes back that block only. */
  NpmrcBlock: 'npmrc-block',
  /** The temp folder the main step created for the .npmrc when RUNNER_TEMP was unset: post removes it. */
  NpmrcTempDir: 'npmrc-temp-dir',
  /** Path of the user-level .yarnrc.yml written or merged into (Yarn 2+), when one was. */
  YarnrcPath: 'yarnrc-path',
  /** 'true' when the main step created that file, 'false' when it merged into one. */
  YarnrcCreated: 'yarnrc-created',
  /** Octal mode of a .yarnrc.yml merged into. */
  YarnrcMode: 'yarnrc-mode',
  /** Key of this step's block in the .yarnrc.yml (the registry key): post takes back that block only. */
  YarnrcBlock: 'yarnrc-block',
  /** What the main step learned that explains a failed npm command later (diagnose/context.ts, JSON). */
  Diagnosis: 'diagnosis',
} as const
