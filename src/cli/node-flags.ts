// The V8 flags sluice runs with: the `sluice` bin passes them to node in its shebang (see
// main.ts), and the container image in its ENTRYPOINT. Both cut the resident set of a run at
// full speed: ~145-150 MB instead of ~165 for the null and file sinks at 1M records (README,
// "Memory"):
//
// - `--max-semi-space-size=1` (MB): a young generation of 1 MB per semi-space rather than up
//   to 16. The main thread drops megabytes of Buffers a second (socket reads, LZ4 output), which
//   V8 frees only when it collects their wrappers; a small young generation is collected every
//   few milliseconds, and takes the dead Buffers with it, where a grown one leaves up to ~64 MB
//   of them (V8's external-memory trigger) waiting.
// - `--single-threaded-gc`: collections run on the thread that needs them. With two threads
//   already decoding on a 2-core machine, V8's helper threads for parallel and concurrent
//   marking only contend with them: measured at 1M records, the small young generation cost
//   20-25% more CPU with helpers and none without.
//
// Run as `node dist/src/cli/main.js`, sluice gets V8's defaults instead; flags given to node
// on the command line then apply (NODE_OPTIONS comes before the shebang's, which win).

export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1', '--single-threaded-gc'];
