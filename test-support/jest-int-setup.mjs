// Jest globalSetup of the `int` project (jest.config.js): refuse a bundle older than src/. Plain .mjs,
// so Node loads it and the .ts it imports directly; Jest would compile a .ts globalSetup to .js imports
// of files that do not exist.
export { default } from './dist-guard.ts'
