// Bundles the task pane, the preview and the sign-in dialog into outlook-addin/dist.
// Usage: npx tsx outlook-addin/scripts/build.ts [--dev]
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { renderIcons } from './icons.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(root, 'dist');

export interface BuildReport {
  /** Every JS file the task pane loads before its first paint, with gzip sizes. */
  initial: { file: string; bytes: number; gzip: number }[];
  initialGzip: number;
  lazy: { file: string; bytes: number; gzip: number }[];
  /** The Smart Alert script (launchevent.js), loaded only on Send. */
  launchEvent: { file: string; bytes: number; gzip: number };
}

export async function build({ dev = false } = {}): Promise<BuildReport> {
  await rm(DIST, { recursive: true, force: true });
  await mkdir(join(DIST, 'assets'), { recursive: true });

  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: {
      taskpane: 'src/taskpane.tsx',
      preview: 'src/preview.tsx',
      'auth-dialog': 'src/auth-dialog.ts',
    },
    outdir: DIST,
    bundle: true,
    splitting: true,
    format: 'esm',
    target: ['es2020', 'chrome100', 'safari15', 'edge100'],
    platform: 'browser',
    minify: !dev,
    sourcemap: dev ? 'inline' : false,
    jsx: 'automatic',
    metafile: true,
    legalComments: 'none',
    chunkNames: 'chunks/[name]-[hash]',
    define: { 'process.env.NODE_ENV': JSON.stringify(dev ? 'development' : 'production') },
    logLevel: 'warning',
    plugins: [schemaFreeShared],
  });

  // The Smart Alert runtime: one classic script (the JavaScript-only runtime of classic Outlook on
  // Windows loads no modules), referenced by launchevent.html in the browser runtimes.
  const launch = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { launchevent: 'src/launchevent.ts' },
    outdir: DIST,
    bundle: true,
    format: 'iife',
    target: ['es2017'],
    platform: 'browser',
    minify: !dev,
    sourcemap: dev ? 'inline' : false,
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [schemaFreeShared],
  });
  await writeFile(join(DIST, 'launchevent.html'), launchEventHtml());

  await writeFile(join(DIST, 'taskpane.html'), html('Steward', 'taskpane.js', true));
  // The backend serves the preview at /preview, outside /addin/: asset paths are absolute there.
  await writeFile(join(DIST, 'preview.html'), previewHtml());
  await writeFile(join(DIST, 'auth-dialog.html'), html('Steward sign-in', 'auth-dialog.js', true));
  await renderIcons(join(DIST, 'assets'));

  return report(result.metafile, launch.metafile);
}

/** Resolves `typebox` to an inert stub: see scripts/stubs/typebox.ts. */
const schemaFreeShared: esbuild.Plugin = {
  name: 'schema-free-shared',
  setup(build) {
    build.onResolve({ filter: /^typebox$/ }, () => ({ path: join(root, 'scripts/stubs/typebox.ts') }));
  },
};

const OFFICE_JS = 'https://appsforoffice.microsoft.com/lib/1/hosted/office.js';

function html(title: string, script: string, office: boolean): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${office ? `<script src="${OFFICE_JS}"></script>\n` : ''}<link rel="icon" href="assets/icon-32.png">
<style>html,body{margin:0;padding:0}h1,h2,h3,p{margin:0}body{font-family:"Segoe UI","Segoe UI Web (West European)",-apple-system,BlinkMacSystemFont,Roboto,"Helvetica Neue",sans-serif}</style>
</head>
<body>
<div id="root"></div>
<script type="module" src="${script}"></script>
</body>
</html>
`;
}

function launchEventHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Steward send check</title>
<script src="${OFFICE_JS}"></script>
<script src="launchevent.js"></script>
</head>
<body></body>
</html>
`;
}

function previewHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Steward preview</title>
<link rel="icon" href="/addin/assets/icon-32.png">
<style>
html,body{margin:0;padding:0;background:#f3f2f1}
body{font-family:"Segoe UI",-apple-system,BlinkMacSystemFont,Roboto,"Helvetica Neue",sans-serif;color:#242424}
.preview{display:flex;gap:16px;padding:16px;align-items:flex-start;flex-wrap:wrap}
.inbox{flex:1 1 240px;max-width:420px;min-width:0}
.inbox h1{font-size:20px;margin:0 0 4px}
.inbox .hint{margin:0 0 12px;color:#616161;font-size:13px}
.inbox ul{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:4px}
.inbox button{width:100%;text-align:left;display:flex;flex-direction:column;gap:2px;padding:10px 12px;border:1px solid #e0e0e0;border-radius:6px;background:#fff;font:inherit;cursor:pointer;overflow-wrap:anywhere}
.inbox button:hover{background:#f5f5f5}
.inbox button:focus-visible{outline:2px solid #0f6cbd;outline-offset:1px}
.inbox button.selected{border-color:#0f6cbd;background:#ebf3fc}
.inbox button span{color:#424242;font-size:13px}
.effect{margin-top:16px;background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:12px}
.effect h2{font-size:14px;margin:0 0 8px}
.effect iframe{width:100%;height:220px;border:1px solid #e0e0e0;border-radius:4px;background:#fff;box-sizing:border-box}
.message{flex:2 1 300px;max-width:640px;min-width:0;box-sizing:border-box;background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:12px 16px;overflow-wrap:anywhere}
.message h2{font-size:18px;margin:0 0 8px}
.message dl{display:grid;grid-template-columns:auto 1fr;gap:2px 8px;margin:0 0 12px;font-size:13px;color:#424242}
.message dt{font-weight:600}
.message dd{margin:0;min-width:0}
.message .body{white-space:pre-wrap;font-size:14px;line-height:1.5;border-top:1px solid #e0e0e0;padding-top:12px}
.pane h1,.pane h2,.pane h3,.pane p{margin:0}
.pane{flex:0 1 360px;width:360px;max-width:100%;min-width:0;box-sizing:border-box;min-height:600px;border:1px solid #e0e0e0;border-radius:6px;overflow:hidden;background:#fff}
@media (max-width:480px){.preview{padding:8px;gap:8px}.message{padding:8px 10px}}
</style>
</head>
<body>
<div id="root"></div>
<script type="module" src="/addin/preview.js"></script>
</body>
</html>
`;
}

async function report(metafile: esbuild.Metafile, launchMetafile: esbuild.Metafile): Promise<BuildReport> {
  const { readFile } = await import('node:fs/promises');
  const sizeOf = async (path: string) => {
    const bytes = await readFile(join(root, path));
    return { file: relative(DIST, join(root, path)), bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  };
  // Initial = the entry plus its static imports, transitively; dynamic imports load later.
  const initialPaths = new Set<string>();
  const visit = (path: string) => {
    if (initialPaths.has(path)) return;
    initialPaths.add(path);
    for (const imported of metafile.outputs[path]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
    }
  };
  const entry = Object.keys(metafile.outputs).find((path) => path.endsWith('dist/taskpane.js'));
  if (!entry) throw new Error('No taskpane.js in the build output');
  visit(entry);
  const initial = await Promise.all([...initialPaths].map(sizeOf));
  const lazyPaths = Object.keys(metafile.outputs).filter(
    (path) => path.endsWith('.js') && !initialPaths.has(path) && path.includes('/chunks/'),
  );
  const lazy = await Promise.all(lazyPaths.map(sizeOf));
  const launchPath = Object.keys(launchMetafile.outputs).find((path) => path.endsWith('launchevent.js'));
  if (!launchPath) throw new Error('No launchevent.js in the build output');
  return {
    initial,
    initialGzip: initial.reduce((sum, file) => sum + file.gzip, 0),
    lazy,
    launchEvent: await sizeOf(launchPath),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await build({ dev: process.argv.includes('--dev') });
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  for (const file of result.initial)
    console.log(`initial  ${file.file.padEnd(40)} ${kb(file.bytes).padStart(10)}  gzip ${kb(file.gzip)}`);
  for (const file of result.lazy)
    console.log(`lazy     ${file.file.padEnd(40)} ${kb(file.bytes).padStart(10)}  gzip ${kb(file.gzip)}`);
  console.log(
    `smart    ${result.launchEvent.file.padEnd(40)} ${kb(result.launchEvent.bytes).padStart(10)}  gzip ${kb(result.launchEvent.gzip)}`,
  );
  console.log(`initial JS of the task pane: ${kb(result.initialGzip)} gzipped (target ≤ 200 KB)`);
}
