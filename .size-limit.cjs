// Budgets a bundler user pays (minified, brotli, dependencies included), from dist/.
// The in-sandbox areas are `import()` chunks a bundler emits apart and loads on first use, so
// "first chunk" checks leave dynamic imports out: they measure what loads before any area is used.
const firstChunk = (config) => ({
  ...config,
  plugins: [
    ...(config.plugins ?? []),
    {
      name: "first-chunk",
      setup(build) {
        build.onResolve({ filter: /.*/ }, (a) => (a.kind === "dynamic-import" ? { path: a.path, external: true } : undefined));
      },
    },
  ],
});

module.exports = [
  {
    name: "Leap0Client, first chunk (a snapshots.restore() consumer; every client method is reachable from it)",
    path: "dist/index.mjs",
    import: "{ Leap0Client }",
    modifyEsbuildConfig: firstChunk,
    limit: "32 kB",
  },
  {
    name: "one error class: import { Leap0Error }",
    path: "dist/index.mjs",
    import: "{ Leap0Error }",
    modifyEsbuildConfig: firstChunk,
    limit: "1 kB",
  },
  {
    name: "one constant: import { DEFAULT_BASE_URL }",
    path: "dist/index.mjs",
    import: "{ DEFAULT_BASE_URL }",
    modifyEsbuildConfig: firstChunk,
    limit: "1 kB",
  },
  {
    name: "the whole public API, every area chunk included",
    path: "dist/index.mjs",
    import: "*",
    limit: "47 kB",
  },
];
