import { createDefaultEsmPreset } from 'ts-jest'

// Two projects, so each runs alone (npm run test:unit, npm run test:int) and only the integration
// tests, which run the bundle in dist/, first check that it is not older than src/.
const common = {
  ...createDefaultEsmPreset({ tsconfig: 'tsconfig.json' }),
  testEnvironment: 'node',
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
}

/** @type {import('jest').Config} */
export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/__tests__/**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', '<rootDir>/__tests__/int/'] },
    { ...common, displayName: 'int', testMatch: ['<rootDir>/__tests__/int/**/*.test.ts'], globalSetup: '<rootDir>/test-support/jest-int-setup.mjs' },
  ],
  // Integration tests start real servers (Verdaccio, loopback fakes) and spawn the built action.
  testTimeout: 60_000,
  maxWorkers: 2,
}
