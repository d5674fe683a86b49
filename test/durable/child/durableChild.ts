// A host process for the multi-process durable tests. Modes:
//   runtime <appFolder> <store> start <name> <instanceId>   start an instance, run until idle, print its status
//   runtime <appFolder> <store> raise <instanceId> <event>  raise an event, run until idle, print the status
//   host <appFolder> <store> <count> <steps> <file> <start|resume>
//       startHost (the real local host) with a file store; optionally start <count> crashChain instances;
//       print "done" once all of them have completed.
import path from 'node:path';
import { RealClock } from '../../../src/host/clock.js';
import { loadApp } from '../../../src/host/loadApp.js';
import { startHost } from '../../../src/host/index.js';
import { HostLogger } from '../../../src/host/log.js';
import { DurableRuntime } from '../../../src/host/durable/index.js';
import { distDir } from '../helpers.js';

const [mode, appFolder, store, ...rest] = process.argv.slice(2);
const appDir = path.join(distDir, appFolder!);
const quiet = { info: () => undefined, warn: () => undefined, error: (m: string) => console.error(m) };

if (mode === 'runtime') {
  const app = await loadApp(appDir, { main: 'index.js' });
  const runtime = new DurableRuntime({
    registrations: app.registrations,
    hubName: 'ChildHub',
    storePath: store!,
    clock: new RealClock(),
    logger: quiet,
    baseUrl: () => 'http://127.0.0.1:0',
    functionKey: 'unused',
  });
  await runtime.start();
  const [command, a, b] = rest;
  if (command === 'start') await runtime.startNew(a!, { instanceId: b! });
  else await runtime.raiseEvent(a!, b!, true);
  const id = command === 'start' ? b! : a!;
  await runtime.waitForIdle();
  console.log(JSON.stringify(await runtime.getStatus(id)));
  await runtime.stop();
} else {
  const [count, steps, file, startFlag] = rest;
  const host = await startHost({
    appDir,
    main: 'index.js',
    port: 0,
    storePath: store!,
    logger: new HostLogger({ mode: 'silent' }),
    activityConcurrency: 16,
  });
  const n = Number(count);
  if (startFlag === 'start') {
    for (let i = 0; i < n; i++) {
      await host.durable.startNew('crashChain', { instanceId: `crash-${i}`, input: { file, steps: Number(steps) } });
    }
    console.log('started');
  }
  for (;;) {
    const page = await host.durable.query({ runtimeStatus: ['Completed'], top: n + 1 });
    if (page.instances.length >= n) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  console.log('done');
  await host.close();
}
