// Compiles one Node app (apps/server, apps/worker) to a single JavaScript file for production:
// our own workspace packages (@kring/*, TypeScript sources) are bundled in, every other package
// stays an ordinary `require` resolved from node_modules, so the image installs production
// dependencies only and runs `node dist/main.js`. Development keeps running the sources with tsx.
//
// Usage (from an app's folder): node ../../scripts/build-node-app.mjs src/main.ts dist/main.js
import { build } from "esbuild";
import path from "node:path";

const [entry = "src/main.ts", outfile = "dist/main.js"] = process.argv.slice(2);
const started = performance.now();

/** Bundle relative imports and @kring/* workspaces; leave every third-party package external. */
const externalThirdParty = {
  name: "external-third-party",
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("@kring/")) return undefined;
      return { path: args.path, external: true };
    });
  },
};

const result = await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: true,
  // Stack traces in production point at the TypeScript sources.
  sourcesContent: false,
  plugins: [externalThirdParty],
  logLevel: "warning",
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
const ms = Math.round(performance.now() - started);
console.log(`built ${path.relative(process.cwd(), outfile)} (${(bytes / 1024).toFixed(0)} KiB with source map) in ${ms} ms`);
