/** Every key the main step saves for the post step, named in one place. */
export const StateKey = {
  /** Path of the .npmrc written or merged into. */
  NpmrcPath: 'npmrc-path',
  /** 'true' when the main step created that file (post removes it), 'false' when it merged into one. */
  NpmrcCreated: 'npmrc-created',
  /** Path of the user-level .yarnrc.yml written or merged into (Yarn 2+), when one was. */
  YarnrcPath: 'yarnrc-path',
  /** 'true' when the main step created that file, 'false' when it merged into one. */
  YarnrcCreated: 'yarnrc-created',
} as const
